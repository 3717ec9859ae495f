/* SPDX-License-Identifier: MIT */
/*
 * Choosing the entry to boot (SPEC "Boot counting", Selection): one-shot,
 * default, last-known-good, older golden entries, Recovery. Pure: reads the
 * boot state, writes nothing, so bootmgr can show why before it boots.
 */
#include "libpersist/internal.h"

/* The discovered ids, newest first, and which of them the caller knows to
 * be bad by a rule of its own (NULL: none). */
struct cands {
	const char *const *ids;
	const bool *bad;
	size_t n;
};

static int lookup(const struct cands *c, const char *id)
{
	for (size_t i = 0; id && *id && i < c->n; i++)
		if (c->ids[i] && pz_streq(c->ids[i], id))
			return (int)i;
	return -1;
}

/* Is id usable? Returns its index, or -1 with *why set. */
static int usable(const struct persist_store *s, const struct cands *c, const char *id, int *why)
{
	int i = lookup(c, id);

	if (i < 0) {
		*why = PERSIST_SKIP_MISSING;
		return -1;
	}
	if ((c->bad && c->bad[i]) || persist_entry_is_bad(&s->state, persist_boot_find(s, id))) {
		*why = PERSIST_SKIP_BAD;
		return -1;
	}
	*why = PERSIST_SKIP_NONE;
	return i;
}

/* The default: the caller's, else the configured one if present, else the
 * newest discovered entry (ids[0]). */
static const char *pick_default(const struct persist_store *s, const struct cands *c,
				const char *default_id)
{
	if (default_id && *default_id)
		return default_id;
	if (s->state.default_id[0] && lookup(c, s->state.default_id) >= 0)
		return s->state.default_id;
	return c->n ? c->ids[0] : NULL;
}

/* The golden entry that became golden most recently among those usable. */
static int older_golden(const struct persist_store *s, const struct cands *c)
{
	const struct persist_entry *best = NULL;
	int best_i = -1, why;

	for (uint32_t k = 0; k < s->state.n_entries; k++) {
		const struct persist_entry *e = &s->state.entries[k];
		int i;

		if (!e->good || (i = usable(s, c, e->id, &why)) < 0)
			continue;
		if (!best || e->golden_boot_id > best->golden_boot_id) {
			best = e;
			best_i = i;
		}
	}
	return best_i;
}

int persist_boot_choose_among(const struct persist_store *s, const char *const *ids,
			      const bool *bad, size_t n, const char *default_id,
			      struct persist_choice *out)
{
	const struct cands cands = { ids, bad, n };
	struct persist_choice c;
	const char *d;
	int i;

	if (!s || !out || (n && !ids))
		return PERSIST_E_INVAL;
	pz_zero(&c, sizeof(c));
	c.index = -1;
	if (s->state.oneshot[0]) {
		pz_set_id(c.oneshot_id, s->state.oneshot);
		if ((i = usable(s, &cands, c.oneshot_id, &c.oneshot_skip)) >= 0) {
			c.index = i, c.reason = PERSIST_CHOSE_ONESHOT;
			goto done;
		}
	}
	d = pick_default(s, &cands, default_id);
	if (d && pz_set_id(c.default_id, d) == 0 &&
	    (i = usable(s, &cands, c.default_id, &c.default_skip)) >= 0) {
		c.index = i, c.reason = PERSIST_CHOSE_DEFAULT;
		goto done;
	}
	if (s->state.lkg[0]) {
		pz_set_id(c.lkg_id, s->state.lkg);
		if ((i = usable(s, &cands, c.lkg_id, &c.lkg_skip)) >= 0) {
			c.index = i, c.reason = PERSIST_CHOSE_LKG;
			goto done;
		}
	}
	c.index = older_golden(s, &cands);
	c.reason = c.index >= 0 ? PERSIST_CHOSE_GOLDEN : PERSIST_CHOSE_RECOVERY;
done:
	*out = c;
	return 0;
}

int persist_boot_choose(const struct persist_store *s, const char *const *ids, size_t n,
			const char *default_id, struct persist_choice *out)
{
	return persist_boot_choose_among(s, ids, NULL, n, default_id, out);
}

/* "what 'id' is bad (N failed attempts)" or "what 'id' is missing", after
 * a "; " if something came before it. */
static void why_not(struct sbuf *b, const struct persist_store *s, const char *what,
		    const char *id, int skip)
{
	const struct persist_entry *e = persist_boot_find(s, id);

	if (b->total)
		sb_str(b, "; ");
	sb_str(b, what);
	sb_str(b, " '");
	sb_str(b, id);
	if (skip == PERSIST_SKIP_MISSING) {
		sb_str(b, "' is missing");
		return;
	}
	sb_str(b, "' is bad");
	if (e && e->failed) {
		sb_str(b, " (");
		sb_u64(b, e->failed);
		sb_str(b, " failed attempts)");
	}
}

static int reason(struct sbuf *b, const struct persist_store *s, const struct persist_choice *c)
{
	if (!s || !c || c->reason < 0 || c->reason > PERSIST_CHOSE_RECOVERY)
		return PERSIST_E_INVAL;
	if (c->oneshot_skip)
		why_not(b, s, "one-shot", c->oneshot_id, c->oneshot_skip);
	if (c->default_skip)
		why_not(b, s, "default", c->default_id, c->default_skip);
	if (c->lkg_skip)
		why_not(b, s, "last-known-good", c->lkg_id, c->lkg_skip);
	if (c->reason == PERSIST_CHOSE_RECOVERY)
		sb_str(b, b->total ? "; no bootable entry left" : "no bootable entry left");
	return 0;
}

int persist_choice_reason(const struct persist_store *s, const struct persist_choice *c, char *out,
			  size_t outlen)
{
	struct sbuf b;
	int r;

	sb_init(&b, out, outlen);
	r = reason(&b, s, c);
	return r ? r : sb_finish(&b);
}

int persist_choice_describe(const struct persist_store *s, const struct persist_choice *c,
			    const char *const *ids, char *out, size_t outlen)
{
	static const char *const verb[] = {
		"booting one-shot entry", "booting default entry",
		"falling back to last-known-good", "falling back to older golden entry",
		"falling back to Recovery",
	};
	struct sbuf b;
	int r;

	sb_init(&b, out, outlen);
	r = reason(&b, s, c);
	if (r)
		return r;
	if (b.total)
		sb_str(&b, "; ");
	sb_str(&b, verb[c->reason]);
	if (c->index >= 0 && ids) {
		sb_str(&b, " '");
		sb_str(&b, ids[c->index]);
		sb_str(&b, "'");
	}
	return sb_finish(&b);
}
