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

static EFI_SERIAL_IO_PROTOCOL *serial;
static bool console_probed;

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

static void console_probe(void)
{
	EFI_GUID serial_guid = SERIAL_IO_PROTOCOL;

	console_probed = true;
	if (conout_reaches_serial())
		return;
	if (EFI_ERROR(LibLocateProtocol(&serial_guid, (void **)&serial)))
		serial = NULL;
}

static void serial_write(const char *s, size_t n)
{
	while (n) {
		UINTN chunk = n;
		if (EFI_ERROR(uefi_call_wrapper(serial->Write, 3, serial, &chunk, (void *)s)) ||
		    !chunk)
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

static void serial_write_crlf(const char *s)
{
	const char *start = s;

	for (; *s; s++) {
		if (*s != '\n')
			continue;
		serial_write(start, (size_t)(s - start));
		serial_write("\r\n", 2);
		start = s + 1;
	}
	serial_write(start, (size_t)(s - start));
}

void kefi_printf(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	kfmt_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (!console_probed)
		console_probe();
	conout_write(buf);
	if (serial)
		serial_write_crlf(buf);
}
