/* SPDX-License-Identifier: MIT */
#include "libpersist/port_mem.h"

#include <stdlib.h>
#include <string.h>

struct pending {
	uint64_t off;
	size_t len;
	uint8_t *data;
};

struct persist_mem {
	uint8_t *view, *media;
	size_t size;
	uint32_t sector;
	struct pending *pend;
	size_t n_pend, cap_pend;
	uint64_t reads, writes, flushes;
	uint64_t cut_at;           /* absolute write number, 0 = none */
	unsigned cut_sectors;
	int policy;
	uint64_t rng;
	bool dead, busy, locked;
	uint64_t wall, mono, step;
	persist_mem_trace_fn trace;
	void *trace_ctx;
};

static uint64_t rnd(struct persist_mem *m)
{
	/* xorshift64*: deterministic per seed, good enough for fault choice. */
	m->rng ^= m->rng >> 12;
	m->rng ^= m->rng << 25;
	m->rng ^= m->rng >> 27;
	return m->rng * 0x2545F4914F6CDD1Dull;
}

struct persist_mem *persist_mem_new(size_t size, uint32_t sector)
{
	struct persist_mem *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->view = calloc(1, size);
	m->media = calloc(1, size);
	if (!m->view || !m->media) {
		persist_mem_free(m);
		return NULL;
	}
	m->size = size;
	m->sector = sector ? sector : 512;
	m->wall = 1700000000000000ull;
	m->step = 1000;
	m->rng = 1;
	return m;
}

static void drop_pending(struct persist_mem *m)
{
	for (size_t i = 0; i < m->n_pend; i++)
		free(m->pend[i].data);
	m->n_pend = 0;
}

void persist_mem_free(struct persist_mem *m)
{
	if (!m)
		return;
	drop_pending(m);
	free(m->pend);
	free(m->view);
	free(m->media);
	free(m);
}

/* Lands the unflushed writes on the media as the policy says. */
static void settle(struct persist_mem *m, int policy)
{
	size_t n = m->n_pend;

	if (policy == PERSIST_MEM_REORDER) {
		for (size_t i = n; i > 1; i--) {
			size_t j = (size_t)(rnd(m) % i);
			struct pending t = m->pend[i - 1];

			m->pend[i - 1] = m->pend[j];
			m->pend[j] = t;
		}
	}
	for (size_t i = 0; i < n; i++) {
		struct pending *p = &m->pend[i];

		if (policy != PERSIST_MEM_KEEP && (rnd(m) & 1))
			continue;
		memcpy(m->media + p->off, p->data, p->len);
	}
	drop_pending(m);
}

void persist_mem_power_cut(struct persist_mem *m, int policy, uint64_t seed)
{
	if (seed)
		m->rng = seed;
	settle(m, policy);
	m->dead = true;
	m->cut_at = 0;
}

void persist_mem_power_on(struct persist_mem *m)
{
	drop_pending(m);
	memcpy(m->view, m->media, m->size);
	m->dead = false;
	m->locked = false;
}

static int mem_read(void *ctx, uint64_t off, void *buf, size_t len)
{
	struct persist_mem *m = ctx;

	if (m->dead || off > m->size || len > m->size - off)
		return PERSIST_E_IO;
	m->reads++;
	memcpy(buf, m->view + off, len);
	return 0;
}

static int queue(struct persist_mem *m, uint64_t off, const void *buf, size_t len)
{
	struct pending *p;

	if (m->n_pend == m->cap_pend) {
		size_t cap = m->cap_pend ? 2 * m->cap_pend : 16;
		struct pending *np = realloc(m->pend, cap * sizeof(*np));

		if (!np)
			return PERSIST_E_NOMEM;
		m->pend = np;
		m->cap_pend = cap;
	}
	p = &m->pend[m->n_pend];
	if (!(p->data = malloc(len ? len : 1)))
		return PERSIST_E_NOMEM;
	memcpy(p->data, buf, len);
	p->off = off;
	p->len = len;
	m->n_pend++;
	return 0;
}

static int mem_write(void *ctx, uint64_t off, const void *buf, size_t len)
{
	struct persist_mem *m = ctx;

	if (m->dead || off > m->size || len > m->size - off)
		return PERSIST_E_IO;
	m->writes++;
	if (m->cut_at && m->writes == m->cut_at) {
		size_t torn = (size_t)m->cut_sectors * m->sector;

		if (torn > len)
			torn = len;
		settle(m, m->policy);
		memcpy(m->media + off, buf, torn);
		m->dead = true;
		m->cut_at = 0;
		return PERSIST_E_IO;
	}
	if (m->trace)
		m->trace(m->trace_ctx, off, buf, len);
	memcpy(m->view + off, buf, len);
	return queue(m, off, buf, len);
}

static int mem_flush(void *ctx)
{
	struct persist_mem *m = ctx;

	if (m->dead)
		return PERSIST_E_IO;
	if (m->trace)
		m->trace(m->trace_ctx, 0, NULL, 0);
	m->flushes++;
	settle(m, PERSIST_MEM_KEEP);
	return 0;
}

static uint64_t mem_size(void *ctx)
{
	return ((struct persist_mem *)ctx)->size;
}

static uint32_t mem_block_size(void *ctx)
{
	return ((struct persist_mem *)ctx)->sector;
}

static uint64_t mem_wall(void *ctx)
{
	struct persist_mem *m = ctx;

	return m->wall += m->step;
}

static uint64_t mem_mono(void *ctx)
{
	struct persist_mem *m = ctx;

	return m->mono += m->step;
}

static int mem_lock(void *ctx)
{
	struct persist_mem *m = ctx;

	if (m->busy || m->locked)
		return PERSIST_E_BUSY;
	m->locked = true;
	return 0;
}

static void mem_unlock(void *ctx)
{
	((struct persist_mem *)ctx)->locked = false;
}

void persist_mem_port(struct persist_mem *m, struct persist_port *p)
{
	memset(p, 0, sizeof(*p));
	p->ctx = m;
	p->read = mem_read;
	p->write = mem_write;
	p->flush = mem_flush;
	p->size = mem_size;
	p->block_size = mem_block_size;
	p->now_wall = mem_wall;
	p->now_mono = mem_mono;
	p->lock = mem_lock;
	p->unlock = mem_unlock;
}

void persist_mem_cut_at(struct persist_mem *m, uint64_t n, unsigned sectors, int policy,
			uint64_t seed)
{
	m->cut_at = n ? m->writes + n : 0;
	m->cut_sectors = sectors;
	m->policy = policy;
	if (seed)
		m->rng = seed;
}

bool persist_mem_is_dead(const struct persist_mem *m)
{
	return m->dead;
}

uint8_t *persist_mem_data(struct persist_mem *m)
{
	return m->view;
}

const uint8_t *persist_mem_media(const struct persist_mem *m)
{
	return m->media;
}

size_t persist_mem_size(const struct persist_mem *m)
{
	return m->size;
}

uint64_t persist_mem_reads(const struct persist_mem *m)
{
	return m->reads;
}

uint64_t persist_mem_writes(const struct persist_mem *m)
{
	return m->writes;
}

uint64_t persist_mem_flushes(const struct persist_mem *m)
{
	return m->flushes;
}

void persist_mem_load(struct persist_mem *m, const void *img)
{
	drop_pending(m);
	memcpy(m->view, img, m->size);
	memcpy(m->media, img, m->size);
}

void persist_mem_set_busy(struct persist_mem *m, bool busy)
{
	m->busy = busy;
}

void persist_mem_set_trace(struct persist_mem *m, persist_mem_trace_fn fn, void *ctx)
{
	m->trace = fn;
	m->trace_ctx = ctx;
}

void persist_mem_set_clock(struct persist_mem *m, uint64_t wall, uint64_t step)
{
	m->wall = wall;
	m->step = step;
}
