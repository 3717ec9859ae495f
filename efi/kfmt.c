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

static void put_number(struct out *o, uint64_t v, bool negative, unsigned base, bool upper,
		       unsigned width, bool left, char pad)
{
	char tmp[24];
	char *end = tmp + sizeof(tmp);
	char *p = render(v, base, upper, end);

	if (negative) {
		/* Zero padding goes between the sign and the digits: "-0042". */
		if (pad == '0') {
			put(o, '-');
			width = width ? width - 1 : 0;
		} else {
			*--p = '-';
		}
	}
	put_padded(o, p, (size_t)(end - p), width, left, pad);
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

static void convert(struct out *o, char conv, int lmod, unsigned width, bool left, char pad,
		    va_list *ap)
{
	switch (conv) {
	case 'd':
	case 'i': {
		int64_t v = arg_signed(ap, lmod);
		uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
		put_number(o, mag, v < 0, 10, false, width, left, pad);
		break;
	}
	case 'u':
		put_number(o, arg_unsigned(ap, lmod), false, 10, false, width, left, pad);
		break;
	case 'x':
	case 'X':
		put_number(o, arg_unsigned(ap, lmod), false, 16, conv == 'X', width, left, pad);
		break;
	case 'p':
		put(o, '0');
		put(o, 'x');
		put_number(o, (uintptr_t)va_arg(*ap, void *), false, 16, false, width, left, pad);
		break;
	case 'c': {
		char c = (char)va_arg(*ap, int);
		put_padded(o, &c, 1, width, left, ' ');
		break;
	}
	case 's': {
		const char *s = va_arg(*ap, const char *);
		size_t n = 0;
		if (!s)
			s = "(null)";
		while (s[n])
			n++;
		put_padded(o, s, n, width, left, ' ');
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

int kfmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };
	va_list args;

	va_copy(args, ap);
	while (*fmt) {
		bool left = false;
		char pad = ' ';
		unsigned width = 0;
		int lmod;

		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		fmt++;
		for (; *fmt == '-' || *fmt == '0'; fmt++) {
			if (*fmt == '-')
				left = true;
			else
				pad = '0';
		}
		if (left)
			pad = ' ';
		while (*fmt >= '0' && *fmt <= '9' && width < 1000)
			width = width * 10 + (unsigned)(*fmt++ - '0');
		lmod = parse_length(&fmt);
		convert(&o, *fmt, lmod, width, left, pad, &args);
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
