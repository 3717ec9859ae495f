/* SPDX-License-Identifier: MIT */
/* Freestanding string helpers; see str.h. */
#include "bootmgr/core/str.h"

/* The compiler's own expansions: in the firmware build (efi/module.mk)
 * they are inlined as word-sized string instructions, many times faster
 * under emulation than a byte loop; on the host they call the C library. */
void bm_memcpy(void *dst, const void *src, size_t n)
{
	if (n) /* memcpy's pointers must be valid even for 0 bytes */
		__builtin_memcpy(dst, src, n);
}

void bm_memset(void *dst, int c, size_t n)
{
	if (n)
		__builtin_memset(dst, c, n);
}

int bm_memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x < *y ? -1 : 1;
	return 0;
}

size_t bm_strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

size_t bm_strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int bm_strcmp(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;

	while (*x && *x == *y)
		x++, y++;
	return *x == *y ? 0 : *x < *y ? -1 : 1;
}

bool bm_streq(const char *a, const char *b)
{
	return bm_strcmp(a, b) == 0;
}

bool bm_strcaseeq(const char *a, const char *b)
{
	while (*a && bm_tolower(*a) == bm_tolower(*b))
		a++, b++;
	return bm_tolower(*a) == bm_tolower(*b);
}

int bm_strlcpy(char *dst, size_t cap, const char *src)
{
	return bm_slice_copy(dst, cap, bm_slice_of(src));
}

int bm_slice_copy(char *dst, size_t cap, bm_slice s)
{
	if (cap == 0 || s.n >= cap || s.n > INT32_MAX)
		return -1;
	bm_memcpy(dst, s.p, s.n);
	dst[s.n] = '\0';
	return (int)s.n;
}

bm_slice bm_slice_trim(bm_slice s)
{
	while (s.n && bm_isspace(s.p[0]))
		s.p++, s.n--;
	while (s.n && bm_isspace(s.p[s.n - 1]))
		s.n--;
	return s;
}

bool bm_slice_eq(bm_slice s, const char *lit)
{
	size_t n = bm_strlen(lit);

	return s.n == n && bm_memcmp(s.p, lit, n) == 0;
}

bool bm_slice_caseeq(bm_slice s, const char *lit)
{
	size_t n = bm_strlen(lit);

	if (s.n != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (bm_tolower(s.p[i]) != bm_tolower(lit[i]))
			return false;
	return true;
}

bool bm_slice_has_prefix(bm_slice s, const char *lit)
{
	size_t n = bm_strlen(lit);

	return s.n >= n && bm_memcmp(s.p, lit, n) == 0;
}

bm_slice bm_slice_unquote(bm_slice s)
{
	if (s.n >= 2 && s.p[0] == '"' && s.p[s.n - 1] == '"')
		return (bm_slice){ s.p + 1, s.n - 2 };
	return s;
}

bool bm_slice_next_line(bm_slice *rest, bm_slice *line)
{
	size_t i = 0;

	if (rest->n == 0)
		return false;
	while (i < rest->n && rest->p[i] != '\n')
		i++;
	line->p = rest->p;
	line->n = i;
	if (line->n && line->p[line->n - 1] == '\r')
		line->n--;
	if (i < rest->n)
		i++; /* the '\n' */
	rest->p += i;
	rest->n -= i;
	return true;
}

bool bm_parse_u64(bm_slice s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (s.n == 0)
		return false;
	for (size_t i = 0; i < s.n; i++) {
		unsigned d = (unsigned)(s.p[i] - '0');

		if (!bm_isdigit(s.p[i]) || v > (max - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

bool bm_parse_bool(bm_slice s, bool *out)
{
	static const char *const yes[] = { "1", "yes", "y", "true", "t", "on" };
	static const char *const no[] = { "0", "no", "n", "false", "f", "off" };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (bm_slice_caseeq(s, yes[i])) {
			*out = true;
			return true;
		}
		if (bm_slice_caseeq(s, no[i])) {
			*out = false;
			return true;
		}
	}
	return false;
}

void bm_buf_init(bm_buf *b, char *p, size_t cap)
{
	b->p = p;
	b->cap = cap;
	b->len = b->total = 0;
	if (cap)
		p[0] = '\0';
}

void bm_buf_put(bm_buf *b, const char *s, size_t n)
{
	size_t room = b->cap > b->len ? b->cap - b->len - 1 : 0;
	size_t take = n < room ? n : room;

	/* Once something was cut, nothing more is added: the text stays a
	 * clean prefix instead of missing a piece in the middle. */
	if (b->total != b->len)
		take = 0;
	bm_memcpy(b->p + b->len, s, take);
	b->len += take;
	b->total += n;
	if (b->cap)
		b->p[b->len] = '\0';
}

void bm_buf_str(bm_buf *b, const char *s)
{
	bm_buf_put(b, s, bm_strlen(s));
}

void bm_buf_u64(bm_buf *b, uint64_t v)
{
	char tmp[20];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	bm_buf_put(b, tmp + i, sizeof(tmp) - i);
}

/* Decodes one UTF-8 sequence at s; returns its length (>= 1) and sets *cp
 * (U+FFFD for anything malformed, overlong or a surrogate). */
static size_t utf8_decode(const unsigned char *s, uint32_t *cp)
{
	size_t n;
	uint32_t v, min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0)
		n = 2, v = s[0] & 0x1f, min = 0x80;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3, v = s[0] & 0x0f, min = 0x800;
	else if ((s[0] & 0xf8) == 0xf0)
		n = 4, v = s[0] & 0x07, min = 0x10000;
	else
		goto bad;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			goto bad; /* also stops at the NUL */
		v = v << 6 | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		goto bad;
	*cp = v;
	return n;
bad:
	*cp = 0xfffd;
	return 1;
}

static void put_unit(uint8_t *out, size_t cap, size_t *len, uint32_t u)
{
	if (*len + 2 <= cap) {
		out[*len] = (uint8_t)u;
		out[*len + 1] = (uint8_t)(u >> 8);
	}
	*len += 2;
}

size_t bm_utf8_to_utf16le(const char *s, uint8_t *out, size_t cap)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = 0;

	while (*p) {
		uint32_t cp;

		p += utf8_decode(p, &cp);
		if (cp >= 0x10000) {
			cp -= 0x10000;
			put_unit(out, cap, &len, 0xd800 | (cp >> 10));
			put_unit(out, cap, &len, 0xdc00 | (cp & 0x3ff));
		} else {
			put_unit(out, cap, &len, cp);
		}
	}
	return len;
}
