/* SPDX-License-Identifier: MIT */
/*
 * Keyboard and screen. ConIn merges the local keyboard and the serial
 * terminal (whose escape sequences the firmware's terminal driver turns into
 * scan codes), so one reader serves both.
 */
#include "efi/internal.h"

static int key_from_input(const EFI_INPUT_KEY *k)
{
	switch (k->ScanCode) {
	case SCAN_NULL: return k->UnicodeChar < 0x80 ? (int)k->UnicodeChar : '?';
	case SCAN_UP: return KEFI_KEY_UP;
	case SCAN_DOWN: return KEFI_KEY_DOWN;
	case SCAN_RIGHT: return KEFI_KEY_RIGHT;
	case SCAN_LEFT: return KEFI_KEY_LEFT;
	case SCAN_HOME: return KEFI_KEY_HOME;
	case SCAN_END: return KEFI_KEY_END;
	case SCAN_PAGE_UP: return KEFI_KEY_PGUP;
	case SCAN_PAGE_DOWN: return KEFI_KEY_PGDN;
	case SCAN_DELETE: return KEFI_KEY_DELETE;
	case SCAN_F1: return KEFI_KEY_F1;
	case SCAN_ESC: return 0x1b;
	default: return 0;
	}
}

/* Reads one key if one is waiting; 0 if none. */
static int poll_key(void)
{
	EFI_INPUT_KEY k;

	if (EFI_ERROR(uefi_call_wrapper(ST->ConIn->ReadKeyStroke, 2, ST->ConIn, &k)))
		return 0;
	return key_from_input(&k);
}

int kefi_key_read(uint64_t timeout_us)
{
	EFI_EVENT events[2], timer = NULL;
	UINTN n = 1, which;
	int key = poll_key();

	if (key || timeout_us == 0)
		return key;
	events[0] = ST->ConIn->WaitForKey;
	if (timeout_us != UINT64_MAX &&
	    !EFI_ERROR(uefi_call_wrapper(BS->CreateEvent, 5, EVT_TIMER, 0, NULL, NULL, &timer))) {
		/* SetTimer counts in 100 ns units. */
		uefi_call_wrapper(BS->SetTimer, 3, timer, TimerRelative, timeout_us * 10);
		events[n++] = timer;
	}
	for (;;) {
		if (EFI_ERROR(uefi_call_wrapper(BS->WaitForEvent, 3, n, events, &which)) ||
		    which == 1)
			break; /* timed out (or the firmware cannot wait) */
		key = poll_key();
		if (key)
			break; /* an unknown key (key 0) keeps waiting */
	}
	if (timer)
		uefi_call_wrapper(BS->CloseEvent, 1, timer);
	return key;
}

void kefi_key_flush(void)
{
	while (poll_key())
		;
}

void kefi_screen_clear(void)
{
	uefi_call_wrapper(ST->ConOut->ClearScreen, 1, ST->ConOut);
}

size_t kefi_screen_modes(kefi_text_mode *modes, size_t cap, size_t *current)
{
	size_t n = ST->ConOut->Mode->MaxMode > 0 ? (size_t)ST->ConOut->Mode->MaxMode : 0;

	if (n > cap)
		n = cap;
	for (size_t m = 0; m < n; m++) {
		UINTN c = 0, r = 0;
		if (EFI_ERROR(uefi_call_wrapper(ST->ConOut->QueryMode, 4, ST->ConOut, (UINTN)m, &c,
						&r)))
			c = r = 0;
		modes[m].cols = (uint32_t)c;
		modes[m].rows = (uint32_t)r;
	}
	*current = ST->ConOut->Mode->Mode >= 0 ? (size_t)ST->ConOut->Mode->Mode : 0;
	return n;
}

int kefi_screen_set_mode(size_t mode)
{
	if (ST->ConOut->Mode->MaxMode <= 0 || mode >= (size_t)ST->ConOut->Mode->MaxMode)
		return KEFI_EINVAL;
	if ((INT32)mode == ST->ConOut->Mode->Mode)
		return KEFI_OK;
	return kefi_from_status(uefi_call_wrapper(ST->ConOut->SetMode, 2, ST->ConOut, (UINTN)mode));
}
