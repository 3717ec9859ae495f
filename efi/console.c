/* SPDX-License-Identifier: MIT */
/*
 * Console output: the firmware console (ConOut) and the serial port.
 *
 * Most firmware already mirrors ConOut onto the serial port (OVMF does when a
 * serial device exists). Writing to both would print every line twice there,
 * so the serial port is written directly only when no ConOut device path
 * goes through a UART node.
 */
#include "efi/internal.h"
#include "efi/kfmt.h"

static EFI_SERIAL_IO_PROTOCOL *serial;      /* printf's copy: ConOut lacks a UART */
static EFI_SERIAL_IO_PROTOCOL *marker_port; /* markers: the serial port, if any */
static bool console_probed, marker_probed;

/* Held markers, "\n"-terminated lines; a trace line starts with TRACE_TAG. */
#define HELD_MAX (16 * 1024)
#define TRACE_TAG '\001'
static char *held;
static size_t held_len;
static size_t held_markers; /* held lines that are not trace lines */
static bool holding;
static bool quiet; /* released without trace: trace markers are dropped */

/* True if any device path instance in the ConOut variable contains a UART. */
static bool conout_reaches_serial(void)
{
	EFI_GUID global = EFI_GLOBAL_VARIABLE;
	UINTN size = 0;
	EFI_DEVICE_PATH *paths = LibGetVariableAndSize(L"ConOut", &global, &size);
	EFI_DEVICE_PATH *dp = paths;
	bool found = false;

	if (!paths)
		return false;
	while ((UINT8 *)dp + sizeof(EFI_DEVICE_PATH) <= (UINT8 *)paths + size) {
		UINTN len = DevicePathNodeLength(dp);
		if (len < sizeof(EFI_DEVICE_PATH))
			break; /* malformed: stop rather than loop */
		if (DevicePathType(dp) == MESSAGING_DEVICE_PATH &&
		    DevicePathSubType(dp) == MSG_UART_DP) {
			found = true;
			break;
		}
		if (IsDevicePathEnd(dp))
			break;
		dp = NextDevicePathNode(dp);
	}
	FreePool(paths);
	return found;
}

static void marker_probe(void)
{
	EFI_GUID serial_guid = SERIAL_IO_PROTOCOL;

	marker_probed = true;
	if (EFI_ERROR(uefi_call_wrapper(BS->LocateProtocol, 3, &serial_guid, NULL,
					(void **)&marker_port)))
		marker_port = NULL;
}

/* Only printf needs to know whether ConOut already reaches the serial port:
 * a boot that prints nothing for people never reads ConOut. */
static void console_probe(void)
{
	if (!marker_probed)
		marker_probe();
	console_probed = true;
	if (!conout_reaches_serial())
		serial = marker_port;
}

static void serial_write(EFI_SERIAL_IO_PROTOCOL *port, const char *s, size_t n)
{
	while (n) {
		UINTN chunk = n;
		if (EFI_ERROR(uefi_call_wrapper(port->Write, 3, port, &chunk, (void *)s)) || !chunk)
			return;
		s += chunk;
		n -= chunk;
	}
}

/* Writes text to ConOut, turning "\n" into CR LF, in bounded chunks. */
static void conout_write(const char *s)
{
	CHAR16 w[130];
	size_t n = 0;

	for (; *s; s++) {
		if (*s == '\n')
			w[n++] = L'\r';
		w[n++] = (unsigned char)*s < 0x80 ? (unsigned char)*s : L'?';
		if (n >= 126) {
			w[n] = 0;
			uefi_call_wrapper(ST->ConOut->OutputString, 2, ST->ConOut, w);
			n = 0;
		}
	}
	w[n] = 0;
	if (n)
		uefi_call_wrapper(ST->ConOut->OutputString, 2, ST->ConOut, w);
}

/* Writes text with "\n" as CR LF, in one call where the text allows. */
static void serial_write_crlf(EFI_SERIAL_IO_PROTOCOL *port, const char *s)
{
	char out[1100];
	size_t n = 0;

	for (; *s; s++) {
		if (n + 2 > sizeof(out)) {
			serial_write(port, out, n);
			n = 0;
		}
		if (*s == '\n')
			out[n++] = '\r';
		out[n++] = *s;
	}
	serial_write(port, out, n);
}

/* Writes formatted text to the console, to the serial port, or both. */
static void put(bool console, EFI_SERIAL_IO_PROTOCOL *port, const char *text)
{
	if (console)
		conout_write(text);
	if (port)
		serial_write_crlf(port, text);
}

static void put_marker(const char *text)
{
	put(!marker_port, marker_port, text);
}

void kefi_marker_hold(void)
{
	if (!held)
		held = kefi_alloc_raw(HELD_MAX);
	holding = held != NULL;
	held_len = held_markers = 0;
}

/* Writes the held lines (the trace ones too if with_trace) in as few
 * writes as put_marker()'s buffer allows: each write is a firmware call. */
void kefi_marker_release(bool with_trace)
{
	char out[1024];
	size_t i = 0, n = 0;

	if (with_trace)
		quiet = false;
	if (!holding)
		return;
	holding = false;
	quiet = !with_trace;
	if (!with_trace && !held_markers) { /* a quiet boot: nothing to write */
		held_len = 0;
		return;
	}
	while (i < held_len) {
		bool keep = held[i] != TRACE_TAG || with_trace;
		size_t end;

		i += held[i] == TRACE_TAG;
		for (end = i; end < held_len && held[end] != '\n'; end++)
			;
		end += end < held_len; /* with its newline */
		if (keep && n && n + (end - i) >= sizeof(out)) {
			out[n] = '\0';
			put_marker(out);
			n = 0;
		}
		for (; keep && i < end && n < sizeof(out) - 1; i++)
			out[n++] = held[i];
		i = end;
	}
	out[n] = '\0';
	if (n)
		put_marker(out);
	held_len = 0;
}

static void marker(bool trace, const char *fmt, va_list ap)
{
	char buf[1024];
	int r;
	size_t n;

	if (trace && quiet)
		return;
	if (!marker_probed)
		marker_probe();
	r = kfmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	n = r < 0 ? 0 : (size_t)r < sizeof(buf) ? (size_t)r : sizeof(buf) - 1;
	if (holding && held_len + n + 1 > HELD_MAX)
		kefi_marker_release(true); /* full: the whole story, and no more holding */
	if (!holding) {
		put_marker(buf);
		return;
	}
	if (trace)
		held[held_len++] = TRACE_TAG;
	else
		held_markers++;
	kefi_copy(held + held_len, buf, n);
	held_len += n;
}

void kefi_printf(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (!console_probed)
		console_probe();
	kefi_marker_release(true);
	va_start(ap, fmt);
	kfmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	put(true, serial, buf);
}

void kefi_marker(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	marker(false, fmt, ap);
	va_end(ap);
}

void kefi_trace(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	marker(true, fmt, ap);
	va_end(ap);
}
