/* SPDX-License-Identifier: MIT */
/*
 * Replays a fuzzer's corpus without libFuzzer: runs LLVMFuzzerTestOneInput
 * on every file named on the command line or found in a named directory.
 * A crash or abort fails the run; the last line is "N passed, 0 failed".
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned passed, failed;

static void run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data = NULL;
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) ||
	    !(data = malloc((size_t)n + 1)) || fread(data, 1, (size_t)n, f) != (size_t)n) {
		printf("FAIL %s: cannot read\n", path);
		failed++;
	} else {
		LLVMFuzzerTestOneInput(data, (size_t)n);
		passed++;
	}
	free(data);
	if (f)
		fclose(f);
}

static void run_path(const char *path)
{
	struct stat st;
	struct dirent **list;
	int n;

	if (stat(path, &st) || !S_ISDIR(st.st_mode)) {
		run_file(path);
		return;
	}
	n = scandir(path, &list, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		char child[4096];

		if (list[i]->d_name[0] != '.') {
			snprintf(child, sizeof(child), "%s/%s", path, list[i]->d_name);
			run_file(child);
		}
		free(list[i]);
	}
	if (n >= 0)
		free(list);
	else
		failed++;
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		run_path(argv[i]);
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
