/* SPDX-License-Identifier: MIT */
/*
 * libpersist — Keel's persist partition: a crash-safe ring-buffer log, the
 * boot state (entries, tries, stages, last-known-good) and crash records.
 *
 * This is the portable core. It includes only <stddef.h>, <stdint.h>,
 * <stdbool.h> and its own headers, never allocates and never prints; it is
 * compiled freestanding into bootmgr.efi and hosted into the Linux tools.
 * Storage, time and locking come through a port (struct persist_port).
 *
 * Every function returning int returns 0 (or a documented non-negative
 * value) on success and a negative PERSIST_E* code on failure;
 * persist_strerror() names the code. Output parameters are left untouched on
 * failure. The on-disk format is described in docs/persist-format.md.
 *
 * Typical use:
 *
 *   struct persist_store s;          (large: keep it static or allocated)
 *   persist_open(&s, &port, PERSIST_OPEN_WRITE);
 *   persist_log_append(&s, PERSIST_LEVEL_INFO, PERSIST_SRC_BOOTMGR, "hello", NULL, 0);
 *   persist_log_commit(&s);          (durable from here on)
 *   persist_close(&s);
 */
#ifndef KEEL_PERSIST_H
#define KEEL_PERSIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libpersist/guid.h"

/* GPT partition type GUID of Keel's persist partition. */
#define PERSIST_PART_TYPE_TEXT "3c5db6dc-f514-453d-9003-4953f138d9c3"
#define PERSIST_PART_TYPE_BYTES                                                        \
	{                                                                              \
		{ 0xdc, 0xb6, 0x5d, 0x3c, 0x14, 0xf5, 0x3d, 0x45, 0x90, 0x03, 0x49, 0x53, \
		  0xf1, 0x38, 0xd9, 0xc3 }                                             \
	}

/* Format version written by this library. Readers accept the same major
 * version with any minor version (minor bumps only add optional data). */
#define PERSIST_VERSION_MAJOR 1
#define PERSIST_VERSION_MINOR 1

#define PERSIST_BLOCK_SIZE    4096u        /* I/O unit of the store */
#define PERSIST_DEFAULT_SIZE  (16u << 20)  /* default partition size */
#define PERSIST_SEGMENT_SIZE  (64u << 10)  /* ring segment size */
#define PERSIST_STATE_SIZE    8192u        /* one boot-state copy */
/* Superblocks and boot-state copies: the bytes every open reads. */
#define PERSIST_META_SIZE     (32u << 10)
#define PERSIST_RECORD_HEADER 56u          /* bytes before a record's message */
/* Largest record (header + message + payload). */
#define PERSIST_RECORD_MAX    (32u << 10)
#define PERSIST_MESSAGE_MAX   2048u
#define PERSIST_ID_MAX        64u          /* entry id buffer incl. NUL */
#define PERSIST_MAX_ENTRIES   32u
#define PERSIST_MAX_HISTORY   16u
#define PERSIST_DEFAULT_TRIES 3u

/* Error codes (always negative). */
enum {
	PERSIST_OK = 0,
	PERSIST_E_IO = -1,          /* the port failed to read, write or flush */
	PERSIST_E_NOSTORE = -2,     /* no valid superblock: not a Keel store */
	PERSIST_E_CORRUPT = -3,     /* a structure failed its checks */
	PERSIST_E_VERSION = -4,     /* written by an incompatible format version */
	PERSIST_E_INVAL = -5,       /* bad argument */
	PERSIST_E_TOOSMALL = -6,    /* the device is too small for a store */
	PERSIST_E_TOOBIG = -7,      /* the record would exceed PERSIST_RECORD_MAX */
	PERSIST_E_NOTFOUND = -8,    /* no such entry, boot id or record */
	PERSIST_E_RDONLY = -9,      /* store opened read-only */
	PERSIST_E_BUSY = -10,       /* another process holds the store's lock */
	PERSIST_E_STALE = -11,      /* the attempt already ended */
	PERSIST_E_FULL = -12,       /* no room for another entry */
	PERSIST_E_RANGE = -13,      /* caller's buffer too small */
	PERSIST_E_NOMEM = -14,      /* out of memory (Linux side only) */
	PERSIST_E_SYS = -15,        /* operating-system error (Linux side) */
	PERSIST_E_UNSUPPORTED = -16, /* geometry or feature not supported */
	PERSIST_E_NOPART = -17,     /* a partitioned disk without a persist partition */
	PERSIST_E_AMBIGUOUS = -18   /* more than one persist partition */
};

/* Returns a static English description of a PERSIST_E* code. */
const char *persist_strerror(int err);

/* Syslog severities. */
enum persist_level {
	PERSIST_LEVEL_EMERG,
	PERSIST_LEVEL_ALERT,
	PERSIST_LEVEL_CRIT,
	PERSIST_LEVEL_ERR,
	PERSIST_LEVEL_WARNING,
	PERSIST_LEVEL_NOTICE,
	PERSIST_LEVEL_INFO,
	PERSIST_LEVEL_DEBUG
};

/* Who wrote a record. Values are on disk: only append. */
enum persist_source {
	PERSIST_SRC_UNKNOWN,
	PERSIST_SRC_BOOTMGR,
	PERSIST_SRC_INSTALLER,
	PERSIST_SRC_RECOVERY,
	PERSIST_SRC_WATCHDOG,
	PERSIST_SRC_OS,
	PERSIST_SRC_KERNEL,
	PERSIST_SRC_TEST,
	PERSIST_SRC_COUNT
};

/* Record types. Values are on disk: only append. */
enum persist_rtype { PERSIST_REC_LOG = 1, PERSIST_REC_CRASH = 2 };

/* Boot stages, in the order an attempt reaches them. */
enum persist_stage {
	PERSIST_STAGE_NONE,
	PERSIST_STAGE_LOADER,   /* bootmgr started the image */
	PERSIST_STAGE_KERNEL,
	PERSIST_STAGE_INIT,
	PERSIST_STAGE_SERVICES,
	PERSIST_STAGE_GOLDEN,
	PERSIST_STAGE_COUNT
};

/* How an attempt ended. */
enum persist_outcome {
	PERSIST_END_RUNNING,    /* not ended yet (the current boot) */
	PERSIST_END_GOLDEN,     /* reached golden */
	PERSIST_END_FAILED,     /* next boot began before golden */
	PERSIST_END_COUNT
};

/* Crash causes. Values are on disk: only append. */
enum persist_cause {
	PERSIST_CAUSE_UNKNOWN,   /* power loss or unknown: attempt never reached golden */
	PERSIST_CAUSE_WATCHDOG,  /* hardware or firmware watchdog reset */
	PERSIST_CAUSE_PANIC,     /* kernel panic / oops (pstore) */
	PERSIST_CAUSE_PROCESS,   /* a process crashed (signal) */
	PERSIST_CAUSE_COUNT
};

/* Storage, time and locking for one store. Offsets and lengths passed by the
 * core are always multiples of PERSIST_BLOCK_SIZE. Functions return 0 or a
 * negative PERSIST_E* code. lock/unlock may be NULL (single user). */
struct persist_port {
	void *ctx;
	int (*read)(void *ctx, uint64_t off, void *buf, size_t len);
	int (*write)(void *ctx, uint64_t off, const void *buf, size_t len);
	/* Makes every completed write durable. */
	int (*flush)(void *ctx);
	/* Usable size in bytes. */
	uint64_t (*size)(void *ctx);
	/* Device sector size (writes of this size are atomic). */
	uint32_t (*block_size)(void *ctx);
	/* Microseconds since the Unix epoch, 0 if unknown. */
	uint64_t (*now_wall)(void *ctx);
	/* Microseconds since boot (monotonic), 0 if unknown. */
	uint64_t (*now_mono)(void *ctx);
	/* Exclusive writer lock, held from persist_open(WRITE) to close. */
	int (*lock)(void *ctx);
	void (*unlock)(void *ctx);
};

/* One boot entry known to the boot manager. */
struct persist_entry {
	char id[PERSIST_ID_MAX];  /* stable entry id (e.g. BLS file name) */
	bool good;                /* reached golden at least once since reset */
	bool bad;                 /* max tries consecutive failures, or marked */
	uint8_t failed;           /* consecutive failed attempts */
	uint8_t last_stage;       /* highest stage of its latest attempt */
	uint32_t attempts;        /* attempts ever */
	uint32_t failures;        /* failed attempts ever */
	uint64_t last_boot_id;    /* boot id of its latest attempt */
	uint64_t last_attempt_wall; /* start of its latest attempt (µs) */
	uint64_t golden_boot_id;  /* boot id of its latest golden attempt */
	uint64_t golden_wall;     /* when that attempt became golden (µs) */
};

/* One boot attempt in the history. */
struct persist_attempt {
	uint64_t boot_id;
	char entry[PERSIST_ID_MAX];
	uint64_t start_wall;       /* µs since epoch */
	uint64_t end_wall;         /* golden or failure detection time (µs) */
	uint8_t stage;             /* highest stage reached */
	uint8_t outcome;           /* enum persist_outcome */
};

/* The decoded boot state. */
struct persist_boot_state {
	uint64_t seq;              /* write sequence number of this state */
	uint64_t next_boot_id;     /* boot id the next attempt gets */
	uint64_t log_clear_seq;    /* records with seq <= this are cleared */
	uint32_t log_hint;         /* log head segment + 1 when written (0 none) */
	uint8_t max_tries;         /* consecutive failures that make an entry bad */
	uint8_t log_level;         /* appends above this level are dropped */
	char lkg[PERSIST_ID_MAX];  /* last-known-good entry, "" if none */
	char oneshot[PERSIST_ID_MAX]; /* boot this once next, "" if none */
	char default_id[PERSIST_ID_MAX]; /* configured default, "" = newest */
	uint32_t n_entries;
	struct persist_entry entries[PERSIST_MAX_ENTRIES];
	uint32_t n_history;        /* attempts, oldest first */
	struct persist_attempt history[PERSIST_MAX_HISTORY];
};

/* A record as returned by readers. msg is NOT NUL-terminated. */
struct persist_record {
	uint64_t seq;
	uint64_t boot_id;
	uint64_t wall;             /* µs since epoch, 0 unknown */
	uint64_t mono;             /* µs since boot */
	uint8_t type;              /* enum persist_rtype */
	uint8_t level;
	uint8_t source;
	uint8_t flags;
	const char *msg;
	size_t msg_len;
	const uint8_t *payload;
	size_t payload_len;
};

/* Read filter; zero-initialise for "everything". */
struct persist_filter {
	bool use_level;            /* only records with level <= max_level */
	int max_level;
	uint32_t sources;          /* bit mask of 1u << source; 0 = all */
	uint64_t boot_id;          /* 0 = all boots */
	uint8_t type;              /* 0 = all types */
};

/* What check/repair found. */
struct persist_report {
	unsigned bad_superblocks;  /* of 2 */
	unsigned bad_state_copies; /* of 3 (invalid or older than newest-2) */
	unsigned bad_segments;     /* segment headers failing checks (in use) */
	unsigned bad_records;      /* records failing CRC in the middle of a segment */
	bool torn_tail;            /* the head segment ends in a torn record */
	bool state_reset;          /* no valid boot-state copy: defaults used */
	unsigned repaired;         /* structures rewritten by repair */
};

#define PERSIST_OPEN_WRITE 1u  /* take the writer lock, allow changes */
/* Find the log head from the boot state's hint instead of reading every
 * segment header, and read no boot-state copy older than the newest valid
 * one (the boot manager's fast path). Damage in segments the walk does not
 * visit, and in those older copies, is then not counted in s->found. */
#define PERSIST_OPEN_HINT  2u

/* An open store. Large (about 18 KiB): keep it static or allocated in
 * firmware. Fields are private. */
struct persist_store {
	struct persist_port port;
	unsigned flags;
	bool open, locked;
	persist_guid uuid;
	uint64_t size, state_off, ring_off;
	uint32_t seg_size, seg_count;
	uint64_t boot_id;          /* stamped on new records */
	/* Log head: where the next record goes. */
	uint32_t head_seg;         /* segment index */
	uint64_t head_gen;         /* its generation (0: ring empty) */
	uint32_t head_off;         /* byte offset of the next record in it */
	uint32_t last_crc;         /* CRC of the previous record (chain seed) */
	uint64_t next_seq;
	uint32_t blk_no;           /* block of the head segment held in blk */
	bool blk_dirty;            /* blk has appends not yet written */
	bool ring_dirty;           /* written blocks not yet flushed */
	struct persist_report found; /* problems seen while opening */
	struct persist_boot_state state;
	uint8_t blk[PERSIST_BLOCK_SIZE];
	uint8_t scratch[PERSIST_STATE_SIZE];
};

/* Store layout options for persist_format(); NULL means defaults. */
struct persist_format_opts {
	uint32_t segment_size;     /* multiple of the block size, 0 = default */
	uint8_t max_tries;         /* 0 = PERSIST_DEFAULT_TRIES */
	uint8_t log_level;         /* threshold; 0 = PERSIST_LEVEL_DEBUG */
	uint64_t wall;             /* creation time, 0 = ask the port */
};

/* ---- store ---- */

/* Writes a new, empty store over the whole port and opens it for writing.
 * uuid identifies the store (make it random). Returns 0 or PERSIST_E*. */
int persist_format(struct persist_store *s, const struct persist_port *port,
		   const persist_guid *uuid, const struct persist_format_opts *opts);
/* Opens a store: validates the superblocks, loads the newest valid boot
 * state and finds the log head by scanning (or from the state's hint with
 * PERSIST_OPEN_HINT). With PERSIST_OPEN_WRITE takes
 * the port's lock (PERSIST_E_BUSY if held). Problems that open survives are
 * noted in s->found (see persist_check). */
int persist_open(struct persist_store *s, const struct persist_port *port, unsigned flags);
/* Commits pending appends, releases the lock. Harmless on a closed store. */
int persist_close(struct persist_store *s);
/* Re-reads boot state and log head (for read-only handles that follow a
 * store another process writes). */
int persist_refresh(struct persist_store *s);
/* Examines every structure without changing anything; fills *r. Returns 0
 * if all is clean, PERSIST_E_CORRUPT if anything is damaged. */
int persist_check(struct persist_store *s, struct persist_report *r);
/* Rewrites damaged superblocks and boot-state copies from the good ones and
 * truncates a torn log tail. Needs a writable store. Fills *r (may be NULL). */
int persist_repair(struct persist_store *s, struct persist_report *r);
/* Sets the boot id stamped on records appended from now on. */
void persist_set_boot_id(struct persist_store *s, uint64_t boot_id);
/* Returns the store's UUID. */
const persist_guid *persist_store_uuid(const struct persist_store *s);

/* ---- log ---- */

/* Appends a record (buffered, not yet durable). msg may be NULL; payload
 * may be NULL when payload_len is 0. Records above the configured level
 * threshold are dropped (returns 0). Returns 0 or PERSIST_E*. */
int persist_log_append(struct persist_store *s, int level, int source, const char *msg,
		       const void *payload, size_t payload_len);
/* Like persist_log_append with an explicit record type and flags. */
int persist_log_append_typed(struct persist_store *s, int type, int level, int source,
			     uint8_t flags, const char *msg, size_t msg_len,
			     const void *payload, size_t payload_len);
/* Makes every appended record durable (one write + flush). */
int persist_log_commit(struct persist_store *s);
/* Hides every record written so far from readers (durable). */
int persist_log_clear(struct persist_store *s);
/* Sets the level threshold (durable, in the boot state). */
int persist_log_set_level(struct persist_store *s, int level);
/* Returns the level threshold. */
int persist_log_level(const struct persist_store *s);
/* Sequence number the next record will get (records are 1-based). */
uint64_t persist_log_next_seq(const struct persist_store *s);
/* Returns true if rec passes filter f (NULL passes everything). */
bool persist_filter_match(const struct persist_filter *f, const struct persist_record *rec);

/* Forward iterator over the log, oldest first. */
struct persist_log_iter {
	struct persist_store *s;
	struct persist_filter filter;
	uint64_t from_seq;         /* first seq wanted */
	uint64_t next_seq;         /* cursor: seq the next call looks for */
	uint32_t seg;              /* current segment, its generation */
	uint64_t gen;
	uint32_t off;              /* offset of the next record in seg */
	uint32_t prev_crc;         /* chain seed for the record at off */
	uint64_t expect_seq;       /* seq the record at off must carry */
	uint32_t segs_left;        /* segments not yet visited */
	bool in_seg, done;
	uint32_t cache_blk;        /* block held in cache (~0u: none) */
	uint8_t cache[PERSIST_BLOCK_SIZE];
};

/* Starts iterating at the oldest record with seq >= from_seq (0 or 1 =
 * everything). f may be NULL. */
void persist_log_iter_init(struct persist_log_iter *it, struct persist_store *s,
			   uint64_t from_seq, const struct persist_filter *f);
/* Fetches the next matching record into *rec; its message and payload live
 * in buf (PERSIST_RECORD_MAX bytes always suffice). Returns 1 with a record,
 * 0 at the end, or PERSIST_E*. it->next_seq is the cursor to resume from. */
int persist_log_next(struct persist_log_iter *it, struct persist_record *rec, void *buf,
		     size_t buflen);
/* Callback for readers that deliver records; return non-zero to stop. */
typedef int (*persist_record_cb)(void *ctx, const struct persist_record *rec);
/* Delivers the n newest matching records, newest first. buf as above.
 * Returns the number delivered or PERSIST_E*. */
int persist_log_last(struct persist_store *s, size_t n, const struct persist_filter *f,
		     persist_record_cb cb, void *ctx, void *buf, size_t buflen);

/* Export formats. */
enum persist_export_format {
	PERSIST_FMT_TEXT,      /* one line per record */
	PERSIST_FMT_JSON,      /* JSON lines */
	PERSIST_FMT_JOURNAL    /* systemd journal export format */
};
/* Formats one record into out (NUL-terminated when outlen > 0) like
 * snprintf: returns the length it needs (excluding NUL) or PERSIST_E*.
 * uuid (may be NULL) names the store in journal cursors. */
int persist_record_format(const struct persist_record *rec, int format,
			  const persist_guid *uuid, char *out, size_t outlen);
/* Callback receiving formatted output; return non-zero to stop. */
typedef int (*persist_write_cb)(void *ctx, const char *data, size_t len);
/* Formats every matching record, oldest first, through write. work is
 * scratch memory of at least PERSIST_EXPORT_WORK bytes. Returns the number
 * of records written or PERSIST_E*. */
int persist_log_export(struct persist_store *s, int format, const struct persist_filter *f,
		       persist_write_cb write, void *ctx, void *work, size_t worklen);
#define PERSIST_EXPORT_WORK (PERSIST_RECORD_MAX + 1024u)

const char *persist_level_name(int level);       /* "info"; "?" if unknown */
int persist_level_from_name(const char *name);   /* -1 if unknown; accepts digits */
const char *persist_source_name(int source);
int persist_source_from_name(const char *name);

/* ---- crash records ---- */

#define PERSIST_CRASH_HEADER 16u   /* bytes of crash header in the payload */
#define PERSIST_CRASH_ZLIB 1u      /* data is zlib-compressed */

/* A crash record: cause, the stage and boot it happened in, details text
 * and data (backtrace, panic log), maybe compressed. */
struct persist_crash {
	uint8_t cause;             /* enum persist_cause */
	uint8_t stage;             /* highest stage the crashed boot reached */
	uint8_t flags;             /* PERSIST_CRASH_ZLIB */
	uint64_t crashed_boot_id;  /* 0 if unknown */
	uint32_t raw_len;          /* data length before compression */
	const char *details;       /* NOT NUL-terminated when decoded */
	size_t details_len;
	const uint8_t *data;
	size_t data_len;
};

/* Appends a crash record (buffered) and commits it. */
int persist_crash_append(struct persist_store *s, int source, const struct persist_crash *c);
/* Decodes a PERSIST_REC_CRASH record; pointers refer into rec's buffers. */
int persist_crash_decode(const struct persist_record *rec, struct persist_crash *out);
const char *persist_cause_name(int cause);

/* ---- boot state ---- */

/* Begins an attempt to boot entry_id: an earlier attempt that never
 * reached golden is counted as failed (and logged as a crash record of
 * cause unknown), a new boot id is allocated and everything is durable
 * before it returns. Consumes the one-shot. *boot_id receives the id. */
int persist_boot_begin_attempt(struct persist_store *s, const char *entry_id,
			       uint64_t *boot_id);
/* Counts an attempt that is still running (a new boot has begun, so it
 * never reached golden) as failed, durably, with its crash record of cause
 * unknown — what persist_boot_begin_attempt does first. Call it before
 * persist_boot_choose so the choice sees the entry's real count. Returns 1
 * if an attempt was concluded, 0 if none was running, or PERSIST_E*. */
int persist_boot_conclude(struct persist_store *s);
/* Records that attempt boot_id reached stage (never lowers it). GOLDEN is
 * the same as persist_boot_mark_golden. PERSIST_E_STALE if the attempt has
 * already been counted as failed, PERSIST_E_NOTFOUND if unknown. */
int persist_boot_mark_stage(struct persist_store *s, uint64_t boot_id, int stage);
/* Attempt boot_id is healthy: its entry becomes good, its failure count
 * resets and it becomes the last-known-good entry. */
int persist_boot_mark_golden(struct persist_store *s, uint64_t boot_id);
/* Marks an entry bad (never chosen automatically). */
int persist_boot_mark_bad(struct persist_store *s, const char *entry_id);
/* Forgets an entry's failures and bad mark. */
int persist_boot_reset_entry(struct persist_store *s, const char *entry_id);
/* Sets how many consecutive failures make an entry bad (1..255). */
int persist_boot_set_max_tries(struct persist_store *s, int tries);
/* Boots entry_id once at the next boot; NULL or "" clears it. */
int persist_boot_set_oneshot(struct persist_store *s, const char *entry_id);
/* Configures the default entry; NULL or "" means "the newest". */
int persist_boot_set_default(struct persist_store *s, const char *entry_id);
/* The decoded boot state of an open store. */
const struct persist_boot_state *persist_boot_state(const struct persist_store *s);
/* The entry with this id, or NULL. */
const struct persist_entry *persist_boot_find(const struct persist_store *s, const char *id);
/* The attempt with this boot id, or NULL. */
const struct persist_attempt *persist_boot_find_attempt(const struct persist_store *s,
							uint64_t boot_id);

/* Why persist_boot_choose picked what it picked. */
enum persist_choice_reason {
	PERSIST_CHOSE_ONESHOT,     /* the one-shot entry */
	PERSIST_CHOSE_DEFAULT,     /* the default entry */
	PERSIST_CHOSE_LKG,         /* fallback: the last-known-good entry */
	PERSIST_CHOSE_GOLDEN,      /* fallback: an older golden entry */
	PERSIST_CHOSE_RECOVERY     /* fallback: nothing bootable; Recovery */
};
/* Why an entry was passed over. */
enum persist_skip_reason {
	PERSIST_SKIP_NONE,
	PERSIST_SKIP_BAD,          /* marked bad */
	PERSIST_SKIP_MISSING       /* not among the discovered entries */
};
struct persist_choice {
	int index;                 /* into the discovered ids; -1 = Recovery */
	int reason;                /* enum persist_choice_reason */
	char default_id[PERSIST_ID_MAX]; /* the default considered */
	int default_skip;          /* why the default was not used */
	char oneshot_id[PERSIST_ID_MAX];
	int oneshot_skip;          /* why a pending one-shot was not used */
	char lkg_id[PERSIST_ID_MAX];
	int lkg_skip;              /* why the LKG was not used (if reached) */
};
/* Picks the entry to boot among the n discovered ids (newest first) by the
 * rule of SPEC "Boot counting": one-shot, default (default_id, else the
 * configured default, else ids[0]), LKG, older golden entries, Recovery; a
 * bad entry is never chosen. Changes nothing on disk. */
int persist_boot_choose(const struct persist_store *s, const char *const *ids, size_t n,
			const char *default_id, struct persist_choice *out);
/* The same, where bad[i] (if bad is not NULL) marks ids[i] as bad by a rule
 * the store does not know, such as systemd's boot counter in an entry's
 * file name: it is skipped like an entry bad by the store's own count, and
 * the choice says so. */
int persist_boot_choose_among(const struct persist_store *s, const char *const *ids,
			      const bool *bad, size_t n, const char *default_id,
			      struct persist_choice *out);
/* Writes why a choice passed over the one-shot, default or last-known-good
 * entry ("default 'a' is bad (3 failed attempts)"; "no bootable entry
 * left" when it falls back to Recovery); empty when nothing was passed
 * over. Returns the length it needs like snprintf. */
int persist_choice_reason(const struct persist_store *s, const struct persist_choice *c, char *out,
			  size_t outlen);
/* Writes a one-line English explanation of a choice: its reason, then what
 * boots ("default 'a' is bad (3 failed attempts); falling back to
 * last-known-good 'b'"). Returns the length it needs like snprintf. */
int persist_choice_describe(const struct persist_store *s, const struct persist_choice *c,
			    const char *const *ids, char *out, size_t outlen);
const char *persist_stage_name(int stage);
int persist_stage_from_name(const char *name);
const char *persist_outcome_name(int outcome);

#endif
