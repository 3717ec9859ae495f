/* SPDX-License-Identifier: MIT */
/*
 * Writes the seed corpora of the libpersist fuzzers into libpersist/corpus/
 * (run from the repository root): small valid structures the fuzzers start
 * mutating from. The committed corpus was made with this program.
 */
#include "libpersist/internal.h"

#include <string.h>

#include <stdio.h>
#include <sys/stat.h>
#include <zlib.h>

static void put(const char *dir, const char *name, const void *data, size_t len)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "libpersist/corpus/%s", dir);
	mkdir("libpersist/corpus", 0755);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "libpersist/corpus/%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len)
		perror(path);
	if (f)
		fclose(f);
}

static size_t record(uint8_t *out, int type, const char *msg, const void *pl, size_t pl_len)
{
	struct persist_record r = { .seq = 5, .boot_id = 2, .wall = 1704067200000000ull,
				    .mono = 1000, .level = 4, .source = 5 };

	r.type = (uint8_t)type;
	r.msg = msg;
	r.msg_len = strlen(msg);
	r.payload = pl;
	r.payload_len = pl_len;
	persist_rec_encode(out, &r, NULL, 0, 0);
	memcpy(out + PERSIST_RECORD_HEADER, msg, r.msg_len);
	memcpy(out + PERSIST_RECORD_HEADER + r.msg_len, pl, pl_len);
	return PERSIST_RECORD_HEADER + r.msg_len + pl_len;
}

static void records(void)
{
	static const uint8_t crash[] = { 1, 3, 0, 0, 4, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0,
					 't', 'r', 'a', 'c' };
	uint8_t buf[512];

	put("record", "log", buf, record(buf, PERSIST_REC_LOG, "hello from the seed", NULL, 0));
	put("record", "newline", buf, record(buf, PERSIST_REC_LOG, "two\nlines \"q\"", "\0\1", 2));
	put("record", "crash", buf, record(buf, PERSIST_REC_CRASH, "watchdog", crash, sizeof(crash)));
}

static void states(void)
{
	static uint8_t buf[PERSIST_STATE_SIZE];
	static struct persist_boot_state st;
	persist_guid uuid = { { 3, 1, 4, 1, 5, 9, 2, 6 } };

	persist_state_init(&st, 3, 7);
	st.n_entries = 2;
	pz_set_id(st.entries[0].id, "a");
	st.entries[0].good = true;
	st.entries[0].golden_boot_id = 1;
	pz_set_id(st.entries[1].id, "b");
	st.entries[1].failed = 3;
	pz_set_id(st.lkg, "a");
	pz_set_id(st.oneshot, "c");
	st.n_history = 1;
	st.history[0].boot_id = 2;
	pz_set_id(st.history[0].entry, "b");
	st.next_boot_id = 3;
	persist_state_encode(&st, &uuid, buf);
	put("state", "two-entries", buf, sizeof(buf));
	put("state", "header-only", buf, 256);
}

static void supers(void)
{
	static uint8_t buf[PERSIST_BLOCK_SIZE];
	struct persist_sb sb = { .major = 1, .block_size = PERSIST_BLOCK_SIZE, .size = 16u << 20,
				 .state_off = STATE_OFF, .state_size = PERSIST_STATE_SIZE,
				 .state_copies = STATE_COPIES, .ring_off = RING_OFF,
				 .seg_size = PERSIST_SEGMENT_SIZE, .seg_count = 255 };
	struct persist_seghdr h = { .gen = 7, .first_seq = 100, .index = 3 };

	persist_sb_encode(&sb, buf);
	put("super", "superblock", buf, SB_SIZE);
	persist_seg_encode(&h, buf);
	buf[0] |= 1; /* odd first byte: the harness patches the CRC */
	put("super", "segment", buf, SEG_HDR);
}

static void opens(void)
{
	uint8_t buf[64];

	put("open", "empty", buf, 0);
	memset(buf, 0xff, sizeof(buf));
	put_le32(buf, 0);                       /* superblock A */
	put("open", "superblock-a", buf, 20);
	put_le32(buf, STATE_OFF + 16);          /* newest state copy's seq */
	put("open", "state-seq", buf, 12);
	put_le32(buf, RING_OFF + SEG_HDR + 4);  /* first record's length */
	put("open", "record-length", buf, 8);
	put_le32(buf, RING_OFF + 8);            /* segment generation */
	put("open", "segment-gen", buf, 12);
}

/* Crash payloads: header (cause, stage, flags, 0, raw_len, boot id), data. */
static void crashdata(void)
{
	static const char text[] = "[    1.000000] Kernel panic - not syncing: VFS\n"
				   "[    1.000001] CPU: 0 PID: 1 Comm: init\n";
	uint8_t buf[512] = { 2, 3, 1, 0 };
	uLongf zlen = sizeof(buf) - 16;

	put_le32(buf + 4, (uint32_t)(sizeof(text) - 1));
	put_le64(buf + 8, 7);
	compress2(buf + 16, &zlen, (const Bytef *)text, sizeof(text) - 1, 9);
	put("crashdata", "zlib", buf, 16 + zlen);
	buf[2] = 0;
	memcpy(buf + 16, text, sizeof(text) - 1);
	put("crashdata", "plain", buf, 16 + sizeof(text) - 1);
	put_le32(buf + 4, 0);
	put("crashdata", "empty", buf, 16);
}

static void policies(void)
{
	static const char full[] = "# Keel watchdog policy\n"
				   "device /dev/watchdog0\ntimeout 30\npretimeout 10\n"
				   "interval 5\npidfile /run/sshd.pid\nprocess keel-init\n"
				   "fresh /run/heartbeat 60   # touched by the app\n";
	static const char bad[] = "timeout 10\ninterval 20\n";

	put("policy", "full", full, sizeof(full) - 1);
	put("policy", "interval-too-long", bad, sizeof(bad) - 1);
	put("policy", "empty", "", 0);
}

int main(void)
{
	policies();
	crashdata();
	records();
	states();
	supers();
	opens();
	return 0;
}
