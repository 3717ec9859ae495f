/* SPDX-License-Identifier: MIT */
#include "efi/kfmt.h"

#include <stdbool.h>
#include <stdint.h>

/* Output cursor: counts every character, stores those that fit. */
struct out {
	char *buf;
	size_t size;
	size_t len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_padded(struct out *o, const char *s, size_t n, unsigned width, bool left,
		       char pad)
{
	size_t fill = width > n ? width - n : 0;

	if (!left)
		while (fill--)
			put(o, pad);
	while (n--)
		put(o, *s++);
	if (left)
		while (fill--)
			put(o, ' ');
}

/* Renders v in `base` into the end of tmp; returns the first digit. */
static char *render(uint64_t v, unsigned base, bool upper, char *end)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char *p = end;

	do {
		*--p = digits[v % base];
		v /= base;
	} while (v);
	return p;
}

/* One conversion's flags, width and precision (-1: none). */
struct spec {
	unsigned width;
	int prec;
	bool left;
	char pad;
	int lmod;
};

#define PREC_MAX 64 /* a longer precision for a number is cut to it */

static void put_number(struct out *o, uint64_t v, bool negative, unsigned base, bool upper,
		       const struct spec *sp)
{
	char tmp[24 + PREC_MAX];
	char *end = tmp + sizeof(tmp);
	char *p = sp->prec == 0 && v == 0 ? end : render(v, base, upper, end);
	unsigned width = sp->width;
	char pad = sp->pad;

	if (sp->prec >= 0) { /* at least prec digits; the '0' flag is ignored */
		while (end - p < (sp->prec < PREC_MAX ? sp->prec : PREC_MAX))
			*--p = '0';
		pad = ' ';
	}
	if (negative) {
		/* Zero padding goes between the sign and the digits: "-0042". */
		if (pad == '0') {
			put(o, '-');
			width = width ? width - 1 : 0;
		} else {
			*--p = '-';
		}
	}
	put_padded(o, p, (size_t)(end - p), width, sp->left, pad);
}

/* Reads a signed or unsigned argument of the given length modifier. */
static uint64_t arg_unsigned(va_list *ap, int lmod)
{
	switch (lmod) {
	case 'l': return va_arg(*ap, unsigned long);
	case 'L': return va_arg(*ap, unsigned long long);
	case 'z': return va_arg(*ap, size_t);
	case 'h': return (unsigned short)va_arg(*ap, unsigned);
	case 'H': return (unsigned char)va_arg(*ap, unsigned);
	default: return va_arg(*ap, unsigned);
	}
}

static int64_t arg_signed(va_list *ap, int lmod)
{
	switch (lmod) {
	case 'l': return va_arg(*ap, long);
	case 'L': return va_arg(*ap, long long);
	case 'z': return (int64_t)va_arg(*ap, size_t);
	case 'h': return (short)va_arg(*ap, int);
	case 'H': return (signed char)va_arg(*ap, int);
	default: return va_arg(*ap, int);
	}
}

/* Parses the length modifier at *f, advancing it; 'H' = hh, 'L' = ll. */
static int parse_length(const char **f)
{
	int lmod = 0;

	if (**f == 'h' || **f == 'l' || **f == 'z') {
		lmod = *(*f)++;
		if ((lmod == 'h' || lmod == 'l') && **f == lmod) {
			(*f)++;
			lmod = lmod == 'h' ? 'H' : 'L';
		}
	}
	return lmod;
}

static void convert(struct out *o, char conv, const struct spec *sp, va_list *ap)
{
	switch (conv) {
	case 'd':
	case 'i': {
		int64_t v = arg_signed(ap, sp->lmod);
		uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
		put_number(o, mag, v < 0, 10, false, sp);
		break;
	}
	case 'u':
		put_number(o, arg_unsigned(ap, sp->lmod), false, 10, false, sp);
		break;
	case 'x':
	case 'X':
		put_number(o, arg_unsigned(ap, sp->lmod), false, 16, conv == 'X', sp);
		break;
	case 'p':
		put(o, '0');
		put(o, 'x');
		put_number(o, (uintptr_t)va_arg(*ap, void *), false, 16, false, sp);
		break;
	case 'c': {
		char c = (char)va_arg(*ap, int);
		put_padded(o, &c, 1, sp->width, sp->left, ' ');
		break;
	}
	case 's': {
		const char *s = va_arg(*ap, const char *);
		size_t n = 0;
		if (!s)
			s = "(null)";
		/* A precision bounds what is read: the text need not end in NUL. */
		while ((sp->prec < 0 || n < (size_t)sp->prec) && s[n])
			n++;
		put_padded(o, s, n, sp->width, sp->left, ' ');
		break;
	}
	case '%':
		put(o, '%');
		break;
	default:
		put(o, '%');
		if (conv)
			put(o, conv);
		break;
	}
}

/* A width or precision: digits, or '*' for an int argument. */
static int parse_count(const char **f, va_list *ap)
{
	int n = 0;

	if (**f == '*') {
		(*f)++;
		return va_arg(*ap, int);
	}
	while (**f >= '0' && **f <= '9' && n < 1000)
		n = n * 10 + (*(*f)++ - '0');
	return n;
}

int kfmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };
	va_list args;

	va_copy(args, ap);
	while (*fmt) {
		struct spec sp = { 0, -1, false, ' ', 0 };
		int width;

		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		fmt++;
		for (; *fmt == '-' || *fmt == '0'; fmt++) {
			if (*fmt == '-')
				sp.left = true;
			else
				sp.pad = '0';
		}
		width = parse_count(&fmt, &args);
		if (width < 0) /* a negative '*' width means '-' */
			sp.left = true;
		sp.width = width < 0 ? 0u - (unsigned)width : (unsigned)width;
		if (sp.width > 1000)
			sp.width = 1000;
		if (sp.left)
			sp.pad = ' ';
		if (*fmt == '.') {
			fmt++;
			sp.prec = parse_count(&fmt, &args); /* negative: as if none */
		}
		sp.lmod = parse_length(&fmt);
		convert(&o, *fmt, &sp, &args);
		if (*fmt)
			fmt++;
	}
	va_end(args);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return o.len > INT32_MAX ? INT32_MAX : (int)o.len;
}

int kfmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kfmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
