/* SPDX-License-Identifier: MIT */
/* Memory, strings, device paths, time, power and the watchdog. */
#include "efi/internal.h"

#include "libpersist/bytes.h"

void *kefi_alloc_raw(size_t size)
{
	return AllocatePool(size);
}

void *kefi_alloc(size_t size)
{
	void *p = kefi_alloc_raw(size);

	if (p && size)
		kefi_zero(p, size);
	return p;
}

void kefi_free(void *p)
{
	if (p)
		FreePool(p);
}

bool kefi_ucs2_into(const char *s, CHAR16 *w, size_t cap)
{
	size_t i = 0;

	for (; s[i] && i + 1 < cap; i++)
		w[i] = (unsigned char)s[i];
	if (cap)
		w[i] = 0;
	return !s[i] && cap;
}

CHAR16 *kefi_to_ucs2(const char *s)
{
	size_t n = 0;
	CHAR16 *w;

	while (s[n])
		n++;
	w = AllocatePool((n + 1) * sizeof(CHAR16));
	if (w)
		kefi_ucs2_into(s, w, n + 1);
	return w;
}

void kefi_from_ucs2(const CHAR16 *s, char *out, size_t size)
{
	size_t i = 0;

	if (!size)
		return;
	for (; s && s[i] && i + 1 < size; i++)
		out[i] = s[i] < 0x80 ? (char)s[i] : '?';
	out[i] = '\0';
}

/* The firmware's own converter (UEFI 2.x Device Path To Text protocol):
 * it knows every node type its drivers create and runs natively, several
 * times faster than gnu-efi's DevicePathToStr, which remains the fallback. */
static CHAR16 *path_to_text(EFI_DEVICE_PATH *dp)
{
	static EFI_GUID guid = EFI_DEVICE_PATH_TO_TEXT_PROTOCOL_GUID;
	static EFI_DEVICE_PATH_TO_TEXT_PROTOCOL *to_text;
	static bool looked;

	if (!looked) {
		looked = true;
		if (EFI_ERROR(uefi_call_wrapper(BS->LocateProtocol, 3, &guid, NULL, (void **)&to_text)))
			to_text = NULL;
	}
	if (to_text)
		return uefi_call_wrapper(to_text->ConvertDevicePathToText, 3, dp, FALSE, FALSE);
	return DevicePathToStr(dp);
}

/* The text of dp into out[size] ("" if there is none). */
static int path_text_into(EFI_DEVICE_PATH *dp, char *out, size_t size)
{
	CHAR16 *text = dp ? path_to_text(dp) : NULL;

	kefi_from_ucs2(text, out, size);
	if (!text)
		return dp ? KEFI_ENOMEM : KEFI_OK;
	FreePool(text);
	return KEFI_OK;
}

int kefi_file_path_text(const void *path, char *out, size_t size)
{
	const EFI_DEVICE_PATH *dp = path;
	size_t n = 0;

	if (!size)
		return KEFI_EINVAL;
	/* A file path is one or more file-path nodes ("\EFI", "BOOT\X.EFI"):
	 * joined here directly; anything else goes through the converter. */
	for (; dp && !IsDevicePathEnd(dp); dp = NextDevicePathNode(dp)) {
		const FILEPATH_DEVICE_PATH *f = (const FILEPATH_DEVICE_PATH *)dp;
		size_t chars;

		if (DevicePathType(dp) != MEDIA_DEVICE_PATH ||
		    DevicePathSubType(dp) != MEDIA_FILEPATH_DP ||
		    (size_t)DevicePathNodeLength(dp) < SIZE_OF_FILEPATH_DEVICE_PATH)
			break;
		chars = ((size_t)DevicePathNodeLength(dp) - SIZE_OF_FILEPATH_DEVICE_PATH) / sizeof(CHAR16);
		if (n && out[n - 1] != '\\' && chars && f->PathName[0] != L'\\' && n + 1 < size)
			out[n++] = '\\';
		for (size_t i = 0; i < chars && f->PathName[i] && n + 1 < size; i++)
			out[n++] = f->PathName[i] < 0x80 ? (char)f->PathName[i] : '?';
	}
	out[n] = '\0';
	if (dp && !IsDevicePathEnd(dp))
		return path_text_into((EFI_DEVICE_PATH *)path, out, size);
	return KEFI_OK;
}

const HARDDRIVE_DEVICE_PATH *kefi_path_partition(EFI_HANDLE handle)
{
	EFI_DEVICE_PATH *dp = DevicePathFromHandle(handle);

	for (; dp && !IsDevicePathEnd(dp); dp = NextDevicePathNode(dp))
		if (DevicePathType(dp) == MEDIA_DEVICE_PATH &&
		    DevicePathSubType(dp) == MEDIA_HARDDRIVE_DP)
			return (const HARDDRIVE_DEVICE_PATH *)dp;
	return NULL;
}

/*
 * Time: the TSC, calibrated once. Under a hypervisor the TSC is the only
 * cheap monotonic clock the firmware offers; GetTime() has one-second
 * resolution on most machines.
 */
static uint64_t tsc_per_us;

static uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/*
 * The ACPI power-management timer, a counter at 3.579545 MHz that every PC
 * chipset (and QEMU's) has, at the I/O port the FADT names. Read at start
 * and again when time is first needed, it calibrates the TSC over whatever
 * the application did in between, without waiting (bootmgr: its first
 * 3-5 ms; the rate agrees with the benchmark's 150 ms calibration to
 * within 1 %). Hardware-reduced ACPI platforms have no such timer; there,
 * and if it does not count, the firmware's Stall() calibrates instead.
 */
#define PM_TIMER_HZ 3579545u
#define PM_TIMER_MIN_TICKS 358u /* 100 us: waited for if less has passed */
static uint16_t pm_port;
static uint32_t pm_mask;
static uint32_t pm_at_start;
static uint64_t tsc_at_pm;    /* right after pm_at_start was read */
static uint64_t tsc_at_start; /* when the application started */

static uint32_t pm_read(void)
{
	uint32_t v;

	__asm__ volatile("inl %w1, %0" : "=a"(v) : "Nd"(pm_port));
	return v & pm_mask;
}

/* The FADT's PM timer port and width; false if there is no timer. */
static bool fadt_pm_timer(const uint8_t *fadt)
{
	uint32_t len = get_le32(fadt + 4), flags, port;
	uint64_t x_port;

	if (len < 116)
		return false;
	flags = get_le32(fadt + 112);
	if (flags & (1u << 20)) /* HW_REDUCED_ACPI: no fixed hardware */
		return false;
	port = get_le32(fadt + 76); /* PM_TMR_BLK */
	x_port = len >= 220 && fadt[208] == 1 ? get_le64(fadt + 212) : 0; /* X_PM_TMR_BLK, I/O */
	if (x_port && x_port <= 0xffff)
		port = (uint32_t)x_port;
	if (!port || port > 0xffff)
		return false;
	pm_port = (uint16_t)port;
	pm_mask = flags & (1u << 8) ? 0xffffffffu : 0xffffffu; /* TMR_VAL_EXT: 32 bits */
	return true;
}

/* Finds the FADT through the ACPI 2.0 RSDP's XSDT (or the RSDT). */
static bool find_pm_timer(void)
{
	static EFI_GUID acpi20 = ACPI_20_TABLE_GUID;
	const uint8_t *rsdp = NULL, *sdt;
	size_t width;
	uint32_t len;

	for (UINTN i = 0; i < ST->NumberOfTableEntries && !rsdp; i++)
		if (!CompareGuid(&ST->ConfigurationTable[i].VendorGuid, &acpi20))
			rsdp = ST->ConfigurationTable[i].VendorTable;
	if (!rsdp || CompareMem((void *)rsdp, "RSD PTR ", 8))
		return false;
	if (rsdp[15] >= 2 && get_le64(rsdp + 24)) {
		sdt = (const uint8_t *)(UINTN)get_le64(rsdp + 24);
		width = 8;
	} else {
		sdt = (const uint8_t *)(UINTN)get_le32(rsdp + 16);
		width = 4;
	}
	if (!sdt)
		return false;
	len = get_le32(sdt + 4);
	for (size_t off = 36; off + width <= len && len <= 65536; off += width) {
		const uint8_t *t = (const uint8_t *)(UINTN)(width == 8 ? get_le64(sdt + off)
								       : get_le32(sdt + off));
		if (t && !CompareMem((void *)t, "FACP", 4))
			return fadt_pm_timer(t);
	}
	return false;
}

void kefi_time_start(void)
{
	tsc_at_start = rdtsc();
	if (find_pm_timer()) {
		/* The timer is sampled inside the emulator's port handler, after
		 * however long the first access takes to reach it: the TSC is
		 * read right after it, not before. */
		pm_at_start = pm_read();
		tsc_at_pm = rdtsc();
	}
}

/* A TSC counts 0.5 to 10 GHz: how a rate is checked, and how long the
 * 24-bit timer (4.7 s a turn) is trusted to have not turned over. */
#define TSC_MIN_PER_US 500u
#define TSC_MAX_PER_US 10000u
#define PM_TIMER_TRUSTED_US 4000000u

/* TSC ticks per microsecond from the PM timer's ticks since start; 0 if the
 * timer does not count or may have turned over since. */
static uint64_t calibrate_against_pm_timer(void)
{
	for (uint32_t spins = 0; spins < 1000000u; spins++) {
		uint32_t ticks = (pm_read() - pm_at_start) & pm_mask;
		uint64_t tsc = rdtsc() - tsc_at_pm, rate;

		if (pm_mask == 0xffffffu && tsc > (uint64_t)TSC_MIN_PER_US * PM_TIMER_TRUSTED_US)
			return 0;
		if (ticks < PM_TIMER_MIN_TICKS)
			continue;
		rate = tsc * PM_TIMER_HZ / ((uint64_t)ticks * 1000000u);
		return rate >= TSC_MIN_PER_US && rate <= TSC_MAX_PER_US ? rate : 0;
	}
	return 0;
}

/* TSC ticks across one Stall(us), the call's own overhead included. */
static uint64_t ticks_across_stall(UINTN us)
{
	uint64_t t0 = rdtsc();

	uefi_call_wrapper(BS->Stall, 1, us);
	return rdtsc() - t0;
}

/* The fewer ticks of two Stall(us): being descheduled (under a hypervisor)
 * only ever adds ticks, so the smaller count is the truer one. */
static uint64_t fewest_ticks_across_stall(UINTN us)
{
	uint64_t a = ticks_across_stall(us), b = ticks_across_stall(us);

	return a < b ? a : b;
}

/*
 * Without a PM timer: stalls of 20 and 120 µs. Their difference is 100 µs
 * of the firmware's timer without the cost of calling it, which under
 * emulation is several microseconds and would otherwise count as time. A
 * first short stall runs the firmware's code once, so that its one-time cost
 * under emulation (the code is translated on first use) falls in neither
 * window. Each window is taken twice and the smaller count kept: a busy host
 * that deschedules the guest in the short window would otherwise make the
 * clock run many times too fast (and every time budget end at once). 0.3 ms
 * in all, within 1 % of a 50 ms calibration in the benchmark's guest.
 */
static uint64_t calibrate_against_stall(void)
{
	uint64_t rate = 0;

	for (int tries = 0; !rate && tries < 5; tries++) {
		uint64_t shorter, longer;

		ticks_across_stall(1);
		shorter = fewest_ticks_across_stall(20);
		longer = fewest_ticks_across_stall(120);
		/* Still disturbed (the longer window no longer): measure again. */
		rate = longer > shorter ? (longer - shorter) / 100 : 0;
	}
	return rate;
}

static void calibrate(void)
{
	if (pm_port)
		tsc_per_us = calibrate_against_pm_timer();
	if (!tsc_per_us)
		tsc_per_us = calibrate_against_stall();
	if (!tsc_per_us)
		tsc_per_us = 1; /* a firmware whose Stall() does not wait */
}

uint64_t kefi_tsc_per_us(void)
{
	if (!tsc_per_us)
		calibrate();
	return tsc_per_us;
}

uint64_t kefi_time_us(void)
{
	return rdtsc() / kefi_tsc_per_us();
}

uint64_t kefi_time_start_us(void)
{
	return tsc_at_start / kefi_tsc_per_us();
}

/* Days since 1970-01-01 of a proleptic Gregorian date (m 1..12). Shifts the
 * year to start in March so the leap day is the last day of the year. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static uint64_t firmware_wall_us(void)
{
	EFI_TIME t;
	int64_t secs;

	if (EFI_ERROR(uefi_call_wrapper(RT->GetTime, 2, &t, NULL)) || t.Month < 1 || t.Month > 12)
		return 0;
	secs = days_from_civil(t.Year, t.Month, t.Day) * 86400 + t.Hour * 3600 + t.Minute * 60 +
	       t.Second;
	if (t.TimeZone != EFI_UNSPECIFIED_TIMEZONE)
		secs += (int64_t)t.TimeZone * 60; /* local = UTC - TimeZone (UEFI 8.3) */
	return secs > 0 ? (uint64_t)secs * 1000000u + t.Nanosecond / 1000u : 0;
}

/* The real-time clock is read once (GetTime costs about half a millisecond
 * under emulation and has one-second resolution); later readings add the
 * TSC's time since. */
uint64_t kefi_time_wall_us(void)
{
	static uint64_t wall0, mono0;
	static bool read;

	if (!read) {
		mono0 = kefi_time_us();
		wall0 = firmware_wall_us();
		read = true;
	}
	return wall0 ? wall0 + (kefi_time_us() - mono0) : 0;
}

void kefi_stall_us(uint64_t us)
{
	uefi_call_wrapper(BS->Stall, 1, (UINTN)us);
}

void kefi_power_off(void)
{
	uefi_call_wrapper(RT->ResetSystem, 4, EfiResetShutdown, EFI_SUCCESS, 0, NULL);
	for (;;)
		__asm__ volatile("hlt");
}

void kefi_reboot(void)
{
	uefi_call_wrapper(RT->ResetSystem, 4, EfiResetCold, EFI_SUCCESS, 0, NULL);
	for (;;)
		__asm__ volatile("hlt");
}

void kefi_firmware_info(char *vendor, size_t size, uint32_t *fw_revision, uint32_t *uefi_revision)
{
	kefi_from_ucs2(ST->FirmwareVendor, vendor, size);
	*fw_revision = ST->FirmwareRevision;
	*uefi_revision = ST->Hdr.Revision;
}

/* OsIndications bit: boot to the firmware's user interface (UEFI 8.5.4). */
#define OS_INDICATIONS_BOOT_TO_FW_UI 0x1ull

bool kefi_firmware_setup_supported(void)
{
	EFI_GUID global = EFI_GLOBAL_VARIABLE;
	UINT64 supported = 0;
	UINTN size = sizeof(supported);

	return !EFI_ERROR(uefi_call_wrapper(RT->GetVariable, 5, L"OsIndicationsSupported", &global,
					    NULL, &size, &supported)) &&
	       (supported & OS_INDICATIONS_BOOT_TO_FW_UI);
}

int kefi_reboot_to_firmware(void)
{
	EFI_GUID global = EFI_GLOBAL_VARIABLE;
	UINT64 ind = 0;
	UINTN size = sizeof(ind);
	EFI_STATUS st;

	if (!kefi_firmware_setup_supported())
		return KEFI_EUNSUPPORTED;
	if (EFI_ERROR(uefi_call_wrapper(RT->GetVariable, 5, L"OsIndications", &global, NULL, &size,
					&ind)))
		ind = 0;
	ind |= OS_INDICATIONS_BOOT_TO_FW_UI;
	st = uefi_call_wrapper(RT->SetVariable, 5, L"OsIndications", &global,
			       EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_BOOTSERVICE_ACCESS |
				       EFI_VARIABLE_RUNTIME_ACCESS,
			       sizeof(ind), &ind);
	if (EFI_ERROR(st))
		return kefi_from_status(st);
	kefi_reboot();
}

int kefi_watchdog_arm(unsigned seconds)
{
	/* Watchdog code 0x10000 and up are free for applications (UEFI 7.5.1). */
	return kefi_from_status(
		uefi_call_wrapper(BS->SetWatchdogTimer, 4, (UINTN)seconds, 0x10000, 0, NULL));
}
