/* SPDX-License-Identifier: MIT */
/*
 * mkcpio — writes a directory tree as a reproducible "newc" cpio archive,
 * the format the kernel unpacks as an initramfs.
 *
 *   mkcpio ROOT [NODES] > out.cpio
 *
 * Reproducible and rootless by construction: entries sorted by byte order
 * of their path, owner 0:0, every mtime SOURCE_DATE_EPOCH, inode numbers
 * counted from 1, permissions normalised (0755 for directories and
 * executables, 0644 for other files), no hard links. NODES is a text file
 * of device nodes to add, which a normal user cannot create on disk:
 *     c 5 1 0600 dev/console      (type major minor mode path)
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

struct entry {
	char *path;        /* relative to ROOT, no leading "./" */
	unsigned mode;     /* type and permission bits */
	unsigned rmajor, rminor;
};

static struct entry *entries;
static size_t n_entries, cap_entries;
static unsigned long mtime;

static void die(const char *what, const char *path)
{
	fprintf(stderr, "mkcpio: %s %s: %s\n", what, path, strerror(errno));
	exit(1);
}

static void add(const char *path, unsigned mode, unsigned rmajor, unsigned rminor)
{
	if (n_entries == cap_entries) {
		cap_entries = cap_entries ? 2 * cap_entries : 256;
		entries = realloc(entries, cap_entries * sizeof(*entries));
		if (!entries)
			die("out of memory at", path);
	}
	entries[n_entries++] = (struct entry){ strdup(path), mode, rmajor, rminor };
}

/* root + "/" + rel into buf, or die: a cut path would archive the wrong file. */
static void join(char *buf, size_t n, const char *a, const char *sep, const char *b)
{
	int len = snprintf(buf, n, "%s%s%s", a, sep, b);

	if (len < 0 || (size_t)len >= n) {
		errno = ENAMETOOLONG;
		die("path too long:", b);
	}
}

static unsigned normal_mode(const struct stat *st)
{
	if (S_ISDIR(st->st_mode))
		return S_IFDIR | 0755;
	if (S_ISLNK(st->st_mode))
		return S_IFLNK | 0777;
	return S_IFREG | ((st->st_mode & 0111) ? 0755 : 0644);
}

static void walk(const char *root, const char *rel)
{
	char path[4096], child[4096];
	struct dirent *e;
	DIR *d;

	join(path, sizeof(path), root, "/", rel);
	if (!(d = opendir(path)))
		die("cannot open directory", path);
	while ((e = readdir(d))) {
		struct stat st;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		join(child, sizeof(child), rel, *rel ? "/" : "", e->d_name);
		join(path, sizeof(path), root, "/", child);
		if (lstat(path, &st) != 0)
			die("cannot stat", path);
		if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) {
			fprintf(stderr, "mkcpio: %s is not a file, directory or symlink; list device "
					"nodes in the NODES file instead\n", path);
			exit(1);
		}
		add(child, normal_mode(&st), 0, 0);
		if (S_ISDIR(st.st_mode))
			walk(root, child);
	}
	closedir(d);
}

static void read_nodes(const char *file)
{
	char line[512], type, path[400];
	unsigned major, minor, perm;
	FILE *f = fopen(file, "r");

	if (!f)
		die("cannot open", file);
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, " %c %u %u %o %399s", &type, &major, &minor, &perm, path) != 5 ||
		    (type != 'c' && type != 'b')) {
			fprintf(stderr, "mkcpio: %s: bad line '%s'; expected 'c|b MAJOR MINOR MODE PATH'\n",
				file, line);
			exit(1);
		}
		add(path, (type == 'c' ? S_IFCHR : S_IFBLK) | (perm & 07777), major, minor);
	}
	fclose(f);
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->path, ((const struct entry *)b)->path);
}

static unsigned long written;

static void out(const void *p, size_t n)
{
	if (fwrite(p, 1, n, stdout) != n)
		die("cannot write", "the archive");
	written += n;
}

static void pad4(void)
{
	static const char zeros[4];

	out(zeros, (4 - written % 4) % 4);
}

static void header(unsigned long ino, unsigned mode, unsigned long size, unsigned rmaj,
		   unsigned rmin, const char *name)
{
	char h[128];
	size_t namesize = strlen(name) + 1;

	if (size > 0xffffffffu) {
		errno = EFBIG;
		die("newc cannot hold files of 4 GiB or more:", name);
	}
	/* newc: magic, then 13 fields of 8 hex digits each. */
	snprintf(h, sizeof(h), "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 (unsigned)ino, mode, 0u, 0u, S_ISDIR(mode) ? 2u : 1u, (unsigned)mtime,
		 (unsigned)size, 0u, 0u, rmaj, rmin, (unsigned)namesize, 0u);
	out(h, 110);
	out(name, namesize);
	pad4();
}

static void emit(const char *root, const struct entry *e, unsigned long ino)
{
	char path[4096], buf[65536];
	unsigned long size = 0;
	struct stat st;
	ssize_t len;

	join(path, sizeof(path), root, "/", e->path);
	if (S_ISLNK(e->mode)) {
		len = readlink(path, buf, sizeof(buf));
		if (len < 0)
			die("cannot read link", path);
		header(ino, e->mode, (unsigned long)len, 0, 0, e->path);
		out(buf, (size_t)len);
		pad4();
		return;
	}
	if (!S_ISREG(e->mode)) {
		header(ino, e->mode, 0, e->rmajor, e->rminor, e->path);
		return;
	}
	FILE *f = fopen(path, "rb");
	if (!f || fstat(fileno(f), &st) != 0)
		die("cannot open", path);
	header(ino, e->mode, (unsigned long)st.st_size, 0, 0, e->path);
	while ((len = (ssize_t)fread(buf, 1, sizeof(buf), f)) > 0) {
		out(buf, (size_t)len);
		size += (unsigned long)len;
	}
	if (ferror(f) || size != (unsigned long)st.st_size)
		die("file changed or unreadable while archiving:", path);
	fclose(f);
	pad4();
}

int main(int argc, char **argv)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: mkcpio ROOT [NODES] > archive.cpio\n");
		return 2;
	}
	mtime = sde ? strtoul(sde, NULL, 10) : 0;
	walk(argv[1], "");
	if (argc == 3)
		read_nodes(argv[2]);
	qsort(entries, n_entries, sizeof(*entries), by_path);
	for (size_t i = 0; i < n_entries; i++)
		emit(argv[1], &entries[i], (unsigned long)i + 1);
	header(0, 0, 0, 0, 0, "TRAILER!!!");
	/* The kernel reads archives in 512-byte blocks, like cpio(1) writes. */
	while (written % 512)
		out("", 1);
	if (fflush(stdout) != 0)
		die("cannot write", "the archive");
	return 0;
}
