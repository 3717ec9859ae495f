/* SPDX-License-Identifier: MIT */
/*
 * An in-memory persist port for tests, with a volatile write cache and
 * fault injection:
 *
 *   - writes land in a cache (what reads see) and reach the "media" (what
 *     survives power loss) only at a flush;
 *   - a power cut at the N-th write, of which only the first T sectors land
 *     (a torn write at any 512-byte boundary);
 *   - at the cut, the unflushed writes are kept in order, randomly dropped,
 *     or applied in a random order (and randomly dropped).
 *
 * After the cut every call fails with PERSIST_E_IO until
 * persist_mem_power_on(), which makes reads see exactly the media.
 */
#ifndef KEEL_PERSIST_PORT_MEM_H
#define KEEL_PERSIST_PORT_MEM_H

#include "libpersist/persist.h"

enum persist_mem_policy {
	PERSIST_MEM_KEEP,     /* unflushed writes land, in order */
	PERSIST_MEM_DROP,     /* each unflushed write may be lost */
	PERSIST_MEM_REORDER   /* unflushed writes land in any order, some lost */
};

struct persist_mem;

/* Observer of every write and flush (off/len/data; flush: data NULL). */
typedef void (*persist_mem_trace_fn)(void *ctx, uint64_t off, const void *data, size_t len);

/* A zero-filled device of size bytes with the given sector size, or NULL. */
struct persist_mem *persist_mem_new(size_t size, uint32_t sector);
void persist_mem_free(struct persist_mem *m);
/* Fills *port with functions bound to m. */
void persist_mem_port(struct persist_mem *m, struct persist_port *port);
/* Arms a power cut during write number n (1-based, counted from now) that
 * lets `sectors` leading sectors of it land; policy decides the fate of the
 * other unflushed writes, seed drives the randomness. n = 0 disarms. */
void persist_mem_cut_at(struct persist_mem *m, uint64_t n, unsigned sectors, int policy,
			uint64_t seed);
/* Cuts the power now (policy applied to unflushed writes). */
void persist_mem_power_cut(struct persist_mem *m, int policy, uint64_t seed);
/* Turns the power back on: reads see the media. */
void persist_mem_power_on(struct persist_mem *m);
/* True once an armed cut has happened. */
bool persist_mem_is_dead(const struct persist_mem *m);
/* What reads see now / what survives a power cut. */
uint8_t *persist_mem_data(struct persist_mem *m);
const uint8_t *persist_mem_media(const struct persist_mem *m);
size_t persist_mem_size(const struct persist_mem *m);
/* Reads, writes and flushes performed so far. */
uint64_t persist_mem_reads(const struct persist_mem *m);
uint64_t persist_mem_writes(const struct persist_mem *m);
uint64_t persist_mem_flushes(const struct persist_mem *m);
/* Replaces cache and media with img (size bytes, must match). */
void persist_mem_load(struct persist_mem *m, const void *img);
/* Makes the next lock attempts fail with PERSIST_E_BUSY. */
void persist_mem_set_busy(struct persist_mem *m, bool busy);
void persist_mem_set_trace(struct persist_mem *m, persist_mem_trace_fn fn, void *ctx);
/* Freezes (clock_step 0) or sets the fake clock's step in µs per call. */
void persist_mem_set_clock(struct persist_mem *m, uint64_t wall, uint64_t step);

#endif
