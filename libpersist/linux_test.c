/* SPDX-License-Identifier: MIT */
/* Tests of the Linux port on regular files under build/ (no root needed). */
#include "libpersist/bytes.h"
#include "libpersist/crc32.h"
#include "libpersist/persist_linux.h"
#include "tests/unit.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define DIR "build/libpersist/test-files"

static char *path(const char *name)
{
	static char buf[256];

	mkdir(DIR, 0755);
	snprintf(buf, sizeof(buf), DIR "/%s", name);
	unlink(buf);
	return buf;
}

TEST(format_append_reopen_on_a_file)
{
	struct persist_store *s;
	const char *p = path("store.img");
	uint8_t buf[PERSIST_RECORD_MAX];
	struct persist_log_iter it;
	struct persist_record rec;

	REQUIRE(persist_linux_format(p, 1u << 20, NULL, &s) == 0);
	CHECK_EQ_INT(persist_log_append(s, 6, PERSIST_SRC_TEST, "from linux", NULL, 0), 0);
	CHECK_EQ_INT(persist_linux_close(s), 0);
	REQUIRE(persist_linux_open(p, 0, &s) == 0);
	persist_log_iter_init(&it, s, 0, NULL);
	REQUIRE(persist_log_next(&it, &rec, buf, sizeof(buf)) == 1);
	CHECK(rec.msg_len == 10 && memcmp(rec.msg, "from linux", 10) == 0);
	CHECK(rec.wall > 1600000000000000ull);
	persist_linux_close(s);
	CHECK_EQ_INT(persist_linux_close(NULL), 0);
}

TEST(second_writer_is_refused_while_the_first_holds_the_lock)
{
	struct persist_store *a, *b;
	const char *p = path("lock.img");

	REQUIRE(persist_linux_format(p, 1u << 20, NULL, &a) == 0);
	CHECK_EQ_INT(persist_linux_open(p, PERSIST_OPEN_WRITE, &b), PERSIST_E_BUSY);
	CHECK_EQ_INT(persist_linux_open(p, 0, &b), 0);
	persist_linux_close(b);
	persist_linux_close(a);
	CHECK_EQ_INT(persist_linux_open(p, PERSIST_OPEN_WRITE, &b), 0);
	persist_linux_close(b);
}

TEST(missing_and_foreign_files_give_clear_errors)
{
	struct persist_store *s;
	const char *p = path("zeros.img");
	int fd = open(p, O_CREAT | O_RDWR, 0644);

	CHECK(ftruncate(fd, 1 << 20) == 0);
	close(fd);
	CHECK_EQ_INT(persist_linux_open(p, 0, &s), PERSIST_E_NOSTORE);
	CHECK_EQ_INT(persist_linux_open(DIR "/does-not-exist", 0, &s), PERSIST_E_NOTFOUND);
}

/* A 4 MiB disk image with a protective MBR and a GPT holding one persist
 * partition at LBA 2048 (1 MiB) of 2 MiB. */
static void write_gpt_image(const char *p)
{
	static const persist_guid type = PERSIST_PART_TYPE_BYTES;
	static uint8_t img[4u << 20];
	uint8_t *mbr = img, *hdr = img + 512, *ent = img + 1024;
	uint64_t last = sizeof(img) / 512 - 1;
	int fd;

	memset(img, 0, sizeof(img));
	mbr[446 + 4] = 0xee;
	put_le32(mbr + 446 + 8, 1);
	put_le32(mbr + 446 + 12, (uint32_t)last);
	mbr[510] = 0x55, mbr[511] = 0xaa;
	memcpy(ent, type.b, 16);
	ent[16] = 1; /* unique GUID, any non-zero */
	put_le64(ent + 32, 2048);
	put_le64(ent + 40, 2048 + 4096 - 1);
	memcpy(hdr, "EFI PART", 8);
	put_le32(hdr + 8, 0x00010000);
	put_le32(hdr + 12, 92);
	put_le64(hdr + 24, 1);
	put_le64(hdr + 32, last);
	put_le64(hdr + 40, 34);
	put_le64(hdr + 48, last - 33);
	hdr[56] = 9;
	put_le64(hdr + 72, 2);
	put_le32(hdr + 80, 128);
	put_le32(hdr + 84, 128);
	put_le32(hdr + 88, persist_crc32(0, ent, 128 * 128));
	put_le32(hdr + 16, persist_crc32(0, hdr, 92));
	fd = open(p, O_CREAT | O_RDWR | O_TRUNC, 0644);
	CHECK(write(fd, img, sizeof(img)) == (ssize_t)sizeof(img));
	close(fd);
}

TEST(finds_the_persist_partition_in_a_disk_image_by_type_guid)
{
	const char *p = path("disk.img");
	struct persist_store *s;
	uint64_t off = 0, size = 0;
	char keep[256];

	write_gpt_image(p);
	snprintf(keep, sizeof(keep), "%s", p);
	REQUIRE(persist_linux_find_partition(keep, &off, &size) == 0);
	CHECK_EQ_INT(off, 1u << 20);
	CHECK_EQ_INT(size, 2u << 20);
	/* Formatting the disk formats the partition, not the disk. */
	REQUIRE(persist_linux_format(keep, 0, NULL, &s) == 0);
	CHECK_EQ_INT(s->size, 2u << 20);
	persist_log_append(s, 6, PERSIST_SRC_TEST, "inside", NULL, 0);
	persist_linux_close(s);
	REQUIRE(persist_linux_open(keep, 0, &s) == 0);
	CHECK_EQ_INT(persist_log_next_seq(s), 2);
	persist_linux_close(s);
	CHECK_EQ_INT(persist_linux_find_partition(DIR "/store.img", &off, &size),
		     PERSIST_E_NOTFOUND);
}

TEST(random_uuids_differ_and_are_version_4)
{
	persist_guid a, b;
	char t[PERSIST_GUID_STRING_LEN + 1];

	REQUIRE(persist_linux_random_uuid(&a) == 0 && persist_linux_random_uuid(&b) == 0);
	CHECK(!persist_guid_equal(&a, &b));
	persist_guid_to_string(&a, t);
	CHECK(t[14] == '4');
}
