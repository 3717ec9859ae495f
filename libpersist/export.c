/* SPDX-License-Identifier: MIT */
/*
 * Names of the enums and the export formats: plain text lines, JSON lines
 * and the systemd journal export format. Everything is written through a
 * bounded builder (struct sbuf) so the core needs no printf.
 */
#include "libpersist/internal.h"

/* ---- builder ---- */

void sb_init(struct sbuf *b, char *buf, size_t cap)
{
	pz_zero(b, sizeof(*b));
	b->buf = buf;
	b->cap = cap;
}

static void sb_drain(struct sbuf *b)
{
	if (b->drain && b->len && !b->stopped)
		b->stopped = b->drain(b->ctx, b->buf, b->len);
	b->len = 0;
}

void sb_put(struct sbuf *b, const char *s, size_t n)
{
	b->total += n;
	while (n) {
		/* Keep one byte for the NUL unless draining. */
		size_t limit = b->drain ? b->cap : (b->cap ? b->cap - 1 : 0);
		size_t room = limit > b->len ? limit - b->len : 0, k;

		if (!room) {
			if (!b->drain || !b->cap)
				return;
			sb_drain(b);
			continue;
		}
		k = n < room ? n : room;
		pz_copy(b->buf + b->len, s, k);
		b->len += k;
		s += k;
		n -= k;
	}
}

void sb_str(struct sbuf *b, const char *s)
{
	sb_put(b, s, pz_strnlen(s, (size_t)-1));
}

void sb_u64(struct sbuf *b, uint64_t v)
{
	char tmp[20];
	size_t n = 0;

	do
		tmp[sizeof(tmp) - ++n] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	sb_put(b, tmp + sizeof(tmp) - n, n);
}

/* Decimal with a fixed number of digits (leading zeroes). */
static void sb_fixed(struct sbuf *b, uint64_t v, int digits)
{
	char tmp[20];

	for (int i = digits - 1; i >= 0; i--, v /= 10)
		tmp[i] = (char)('0' + v % 10);
	sb_put(b, tmp, (size_t)digits);
}

static void sb_hex(struct sbuf *b, uint64_t v, int digits)
{
	static const char hex[] = "0123456789abcdef";
	char tmp[16];

	for (int i = digits - 1; i >= 0; i--, v >>= 4)
		tmp[i] = hex[v & 15];
	sb_put(b, tmp, (size_t)digits);
}

int sb_finish(struct sbuf *b)
{
	if (b->drain) {
		sb_drain(b);
	} else if (b->cap) {
		b->buf[b->len < b->cap ? b->len : b->cap - 1] = '\0';
	}
	if (b->total > 0x7fffffff)
		return PERSIST_E_RANGE;
	return (int)b->total;
}

/* ---- names ---- */

static const char *const level_names[] = { "emerg",  "alert", "crit", "err",
					   "warning", "notice", "info", "debug" };
static const char *const source_names[] = { "unknown", "bootmgr", "installer", "recovery",
					    "watchdog", "os",     "kernel",    "test" };
static const char *const stage_names[] = { "none",  "loader",   "kernel",
					   "init",  "services", "golden" };
static const char *const outcome_names[] = { "running", "golden", "failed" };
static const char *const cause_names[] = { "unknown", "watchdog", "panic", "process-crash" };

#define NAME(tab, i) ((i) >= 0 && (size_t)(i) < sizeof(tab) / sizeof(tab[0]) ? tab[i] : "?")

static int from_name(const char *const *tab, size_t n, const char *name)
{
	int v = 0;

	if (!name || !*name)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (pz_streq(tab[i], name))
			return (int)i;
	for (const char *p = name; *p; p++) {
		if (*p < '0' || *p > '9' || v > 1000)
			return -1;
		v = v * 10 + (*p - '0');
	}
	return (size_t)v < n ? v : -1;
}

const char *persist_level_name(int level)
{
	return NAME(level_names, level);
}

int persist_level_from_name(const char *name)
{
	if (name && pz_streq(name, "error"))
		return PERSIST_LEVEL_ERR;
	if (name && pz_streq(name, "warn"))
		return PERSIST_LEVEL_WARNING;
	return from_name(level_names, 8, name);
}

const char *persist_source_name(int source)
{
	return NAME(source_names, source);
}

int persist_source_from_name(const char *name)
{
	return from_name(source_names, PERSIST_SRC_COUNT, name);
}

const char *persist_stage_name(int stage)
{
	return NAME(stage_names, stage);
}

int persist_stage_from_name(const char *name)
{
	return from_name(stage_names, PERSIST_STAGE_COUNT, name);
}

const char *persist_outcome_name(int outcome)
{
	return NAME(outcome_names, outcome);
}

const char *persist_cause_name(int cause)
{
	return NAME(cause_names, cause);
}

/* ---- time ---- */

/* Days since 1970-01-01 to a civil date (proleptic Gregorian). Worked
 * example: day 19723 is 2024-01-01. */
static void civil(uint64_t days, uint64_t *y, unsigned *m, unsigned *d)
{
	uint64_t z = days + 719468, era = z / 146097, doe = z - era * 146097;
	uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;

	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* RFC 3339 UTC with microseconds: 2024-01-01T00:00:00.000000Z */
static void sb_time(struct sbuf *b, uint64_t usec)
{
	uint64_t sec = usec / 1000000, y;
	unsigned m, d;

	civil(sec / 86400, &y, &m, &d);
	sb_fixed(b, y > 9999 ? 9999 : y, 4);
	sb_put(b, "-", 1);
	sb_fixed(b, m, 2);
	sb_put(b, "-", 1);
	sb_fixed(b, d, 2);
	sb_put(b, "T", 1);
	sb_fixed(b, sec % 86400 / 3600, 2);
	sb_put(b, ":", 1);
	sb_fixed(b, sec % 3600 / 60, 2);
	sb_put(b, ":", 1);
	sb_fixed(b, sec % 60, 2);
	sb_put(b, ".", 1);
	sb_fixed(b, usec % 1000000, 6);
	sb_put(b, "Z", 1);
}

/* ---- text ---- */

/* Message bytes with control characters and non-ASCII as \xNN. */
static void sb_escaped(struct sbuf *b, const char *s, size_t n, bool json)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (json && (c == '"' || c == '\\')) {
			sb_put(b, "\\", 1);
			sb_put(b, (const char *)&c, 1);
		} else if (c >= 0x20 && c < 0x7f && (json || c != '\\')) {
			sb_put(b, (const char *)&c, 1);
		} else {
			sb_put(b, json ? "\\u00" : "\\x", json ? 4 : 2);
			sb_hex(b, c, 2);
		}
	}
}

static void crash_summary(struct sbuf *b, const struct persist_record *rec)
{
	struct persist_crash c;

	if (persist_crash_decode(rec, &c)) {
		sb_str(b, "CRASH (undecodable) ");
		return;
	}
	sb_str(b, "CRASH cause=");
	sb_str(b, persist_cause_name(c.cause));
	sb_str(b, " stage=");
	sb_str(b, persist_stage_name(c.stage));
	sb_str(b, " crashed-boot=");
	sb_u64(b, c.crashed_boot_id);
	sb_str(b, " data=");
	sb_u64(b, c.data_len);
	sb_str(b, c.flags & PERSIST_CRASH_ZLIB ? "B(zlib) " : "B ");
}

static void format_text(struct sbuf *b, const struct persist_record *rec)
{
	if (rec->wall)
		sb_time(b, rec->wall);
	else
		sb_str(b, "-");
	sb_str(b, " boot=");
	sb_u64(b, rec->boot_id);
	sb_str(b, " seq=");
	sb_u64(b, rec->seq);
	sb_str(b, " ");
	sb_str(b, persist_source_name(rec->source));
	sb_str(b, ".");
	sb_str(b, persist_level_name(rec->level));
	sb_str(b, ": ");
	if (rec->type == PERSIST_REC_CRASH)
		crash_summary(b, rec);
	sb_escaped(b, rec->msg, rec->msg_len, false);
	if (rec->type != PERSIST_REC_CRASH && rec->payload_len) {
		sb_str(b, " [payload ");
		sb_u64(b, rec->payload_len);
		sb_str(b, " bytes]");
	}
	sb_str(b, "\n");
}

/* ---- JSON lines ---- */

static void sb_base64(struct sbuf *b, const uint8_t *p, size_t n)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;
		char out[4];

		v |= i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0;
		v |= i + 2 < n ? p[i + 2] : 0;
		out[0] = tab[v >> 18];
		out[1] = tab[(v >> 12) & 63];
		out[2] = i + 1 < n ? tab[(v >> 6) & 63] : '=';
		out[3] = i + 2 < n ? tab[v & 63] : '=';
		sb_put(b, out, 4);
	}
}

static void json_num(struct sbuf *b, const char *key, uint64_t v)
{
	sb_str(b, ",\"");
	sb_str(b, key);
	sb_str(b, "\":");
	sb_u64(b, v);
}

static void json_str(struct sbuf *b, const char *key, const char *v, size_t n)
{
	sb_str(b, ",\"");
	sb_str(b, key);
	sb_str(b, "\":\"");
	sb_escaped(b, v, n, true);
	sb_str(b, "\"");
}

static void json_crash(struct sbuf *b, const struct persist_record *rec)
{
	struct persist_crash c;

	if (persist_crash_decode(rec, &c))
		return;
	sb_str(b, ",\"crash\":{\"cause\":\"");
	sb_str(b, persist_cause_name(c.cause));
	sb_str(b, "\",\"stage\":\"");
	sb_str(b, persist_stage_name(c.stage));
	sb_str(b, "\",\"compressed\":");
	sb_str(b, c.flags & PERSIST_CRASH_ZLIB ? "true" : "false");
	json_num(b, "crashed_boot", c.crashed_boot_id);
	json_num(b, "raw_len", c.raw_len);
	sb_str(b, ",\"data_base64\":\"");
	sb_base64(b, c.data, c.data_len);
	sb_str(b, "\"}");
}

static void format_json(struct sbuf *b, const struct persist_record *rec)
{
	const char *lv = persist_level_name(rec->level), *src = persist_source_name(rec->source);

	sb_str(b, "{\"seq\":");
	sb_u64(b, rec->seq);
	json_num(b, "boot", rec->boot_id);
	if (rec->wall) {
		sb_str(b, ",\"time\":\"");
		sb_time(b, rec->wall);
		sb_str(b, "\"");
	}
	json_num(b, "wall_usec", rec->wall);
	json_num(b, "mono_usec", rec->mono);
	json_str(b, "level", lv, pz_strnlen(lv, 16));
	json_str(b, "source", src, pz_strnlen(src, 16));
	sb_str(b, rec->type == PERSIST_REC_CRASH ? ",\"type\":\"crash\"" : ",\"type\":\"log\"");
	json_str(b, "message", rec->msg, rec->msg_len);
	if (rec->type == PERSIST_REC_CRASH) {
		json_crash(b, rec);
	} else if (rec->payload_len) {
		sb_str(b, ",\"payload_base64\":\"");
		sb_base64(b, rec->payload, rec->payload_len);
		sb_str(b, "\"");
	}
	sb_str(b, "}\n");
}

/* ---- journal export format ---- */

static bool journal_text_ok(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] < 0x20 && p[i] != '\t')
			return false;
	return true;
}

/* NAME=value, or the binary form NAME\n<le64 size><data>\n when the value
 * holds a newline or other control bytes. */
static void journal_field(struct sbuf *b, const char *name, const void *v, size_t n)
{
	uint8_t len[8];

	sb_str(b, name);
	if (journal_text_ok(v, n)) {
		sb_put(b, "=", 1);
		sb_put(b, v, n);
	} else {
		sb_put(b, "\n", 1);
		put_le64(len, n);
		sb_put(b, (const char *)len, 8);
		sb_put(b, v, n);
	}
	sb_put(b, "\n", 1);
}

static void journal_num(struct sbuf *b, const char *name, uint64_t v)
{
	sb_str(b, name);
	sb_put(b, "=", 1);
	sb_u64(b, v);
	sb_put(b, "\n", 1);
}

static void format_journal(struct sbuf *b, const struct persist_record *rec,
			   const persist_guid *uuid)
{
	char text[PERSIST_GUID_STRING_LEN + 1] = "";

	if (uuid)
		persist_guid_to_string(uuid, text);
	sb_str(b, "__CURSOR=keel;store=");
	sb_str(b, uuid ? text : "-");
	sb_str(b, ";seq=");
	sb_u64(b, rec->seq);
	sb_put(b, "\n", 1);
	if (rec->wall)
		journal_num(b, "__REALTIME_TIMESTAMP", rec->wall);
	journal_num(b, "__MONOTONIC_TIMESTAMP", rec->mono);
	/* journald wants a 128-bit boot id: the store's first 8 bytes, then
	 * Keel's 64-bit boot id, stays unique per store and boot. */
	sb_str(b, "_BOOT_ID=");
	for (int i = 0; i < 8; i++)
		sb_hex(b, uuid ? uuid->b[i] : 0, 2);
	sb_hex(b, rec->boot_id, 16);
	sb_put(b, "\n", 1);
	journal_num(b, "PRIORITY", rec->level);
	sb_str(b, "SYSLOG_IDENTIFIER=keel-");
	sb_str(b, persist_source_name(rec->source));
	sb_put(b, "\n", 1);
	journal_field(b, "MESSAGE", rec->msg, rec->msg_len);
	journal_num(b, "KEEL_SEQ", rec->seq);
	journal_num(b, "KEEL_BOOT_ID", rec->boot_id);
	journal_num(b, "KEEL_TYPE", rec->type);
	if (rec->payload_len)
		journal_field(b, "KEEL_PAYLOAD", rec->payload, rec->payload_len);
	sb_put(b, "\n", 1);
}

static int format_into(struct sbuf *b, const struct persist_record *rec, int format,
		       const persist_guid *uuid)
{
	switch (format) {
	case PERSIST_FMT_TEXT: format_text(b, rec); return 0;
	case PERSIST_FMT_JSON: format_json(b, rec); return 0;
	case PERSIST_FMT_JOURNAL: format_journal(b, rec, uuid); return 0;
	default: return PERSIST_E_INVAL;
	}
}

int persist_record_format(const struct persist_record *rec, int format,
			  const persist_guid *uuid, char *out, size_t outlen)
{
	struct sbuf b;
	int r;

	if (!rec || (outlen && !out))
		return PERSIST_E_INVAL;
	sb_init(&b, out, outlen);
	if ((r = format_into(&b, rec, format, uuid)))
		return r;
	return sb_finish(&b);
}

int persist_log_export(struct persist_store *s, int format, const struct persist_filter *f,
		       persist_write_cb write, void *ctx, void *work, size_t worklen)
{
	struct persist_log_iter it;
	struct persist_record rec;
	uint8_t *recbuf = work;
	struct sbuf b;
	int r, count = 0;

	if (!s || !write || !work || worklen < PERSIST_EXPORT_WORK ||
	    format < PERSIST_FMT_TEXT || format > PERSIST_FMT_JOURNAL)
		return PERSIST_E_INVAL;
	sb_init(&b, (char *)recbuf + PERSIST_RECORD_MAX, worklen - PERSIST_RECORD_MAX);
	b.drain = write;
	b.ctx = ctx;
	persist_log_iter_init(&it, s, 0, f);
	while ((r = persist_log_next(&it, &rec, recbuf, PERSIST_RECORD_MAX)) > 0) {
		format_into(&b, &rec, format, &s->uuid);
		if (b.stopped)
			break;
		count++;
	}
	sb_finish(&b);
	return r < 0 ? r : count;
}
