/* SPDX-License-Identifier: MIT */
#include "images/sample-os/os.h"
#include "tests/unit.h"

TEST(cmdline_defaults_without_keel_words)
{
	struct os_config c;

	os_config_defaults(&c);
	CHECK_EQ_INT(os_config_parse(&c, "console=ttyS0 quiet panic=5"), 0);
	CHECK_EQ_STR(c.boot_id, "");
	CHECK_EQ_STR(c.root, "");
	CHECK_EQ_INT(c.variant, OS_VARIANT_GOOD);
	CHECK(!c.variant_set);
	CHECK_EQ_INT(c.watchdog_sec, OS_DEFAULT_WATCHDOG_SEC);
	CHECK_EQ_INT(c.golden_deadline_sec, OS_DEFAULT_GOLDEN_DEADLINE_SEC);
	CHECK(!c.halt_after_golden);
}

TEST(cmdline_reads_every_keel_word)
{
	struct os_config c;

	os_config_defaults(&c);
	CHECK_EQ_INT(os_config_parse(&c, "console=ttyS0 keel.boot_id=42-a keel.variant=hang "
					 "keel.watchdog=10 keel.golden_deadline=20 "
					 "keel.halt_after_golden=1 root=PARTUUID=abc "
					 "keel.persist=/dev/vda2 keel.modules=ramoops,softdog\n"),
		     0);
	CHECK_EQ_STR(c.boot_id, "42-a");
	CHECK_EQ_INT(c.variant, OS_VARIANT_HANG);
	CHECK(c.variant_set);
	CHECK_EQ_INT(c.watchdog_sec, 10);
	CHECK_EQ_INT(c.golden_deadline_sec, 20);
	CHECK(c.halt_after_golden);
	CHECK_EQ_STR(c.root, "PARTUUID=abc");
	CHECK_EQ_STR(c.persist, "/dev/vda2");
	CHECK_EQ_STR(c.modules, "ramoops,softdog");
}

TEST(cmdline_bad_values_keep_defaults_and_are_counted)
{
	struct os_config c;

	os_config_defaults(&c);
	CHECK_EQ_INT(os_config_parse(&c, "keel.watchdog=ten keel.variant=sideways "
					 "keel.golden_deadline=99999999 keel.halt_after_golden=maybe"),
		     4);
	CHECK_EQ_INT(c.watchdog_sec, OS_DEFAULT_WATCHDOG_SEC);
	CHECK_EQ_INT(c.variant, OS_VARIANT_GOOD);
	CHECK(!c.variant_set);
	CHECK_EQ_INT(c.golden_deadline_sec, OS_DEFAULT_GOLDEN_DEADLINE_SEC);
}

TEST(cmdline_too_long_boot_id_is_rejected_not_cut)
{
	struct os_config c;
	char line[200] = "keel.boot_id=";

	memset(line + strlen(line), 'x', 100);
	os_config_defaults(&c);
	CHECK_EQ_INT(os_config_parse(&c, line), 1);
	CHECK_EQ_STR(c.boot_id, "");
}

TEST(cmdline_quotes_and_last_word_wins)
{
	struct os_config c;

	os_config_defaults(&c);
	os_config_parse(&c, "keel.boot_id=\"one\" keel.boot_id=two keel.watchdog=0");
	CHECK_EQ_STR(c.boot_id, "two");
	CHECK_EQ_INT(c.watchdog_sec, 0);
}

TEST(cmdline_module_params_match_dash_and_underscore)
{
	char out[64];

	os_cmdline_module_params("i6300esb.heartbeat=5 efi-pstore.pstore_disable=0 x.y=1 efi_pstore",
				 "efi_pstore", out, sizeof(out));
	CHECK_EQ_STR(out, "pstore_disable=0");
	os_cmdline_module_params("i6300esb.heartbeat=5 i6300esb.nowayout=1", "i6300esb", out,
				 sizeof(out));
	CHECK_EQ_STR(out, "heartbeat=5 nowayout=1");
	os_cmdline_module_params("i6300esb.heartbeat=5", "i6300", out, sizeof(out));
	CHECK_EQ_STR(out, "");
	os_cmdline_module_params("a.long_parameter_value=123456789", "a", out, 8);
	CHECK_EQ_STR(out, "");
}

TEST(variant_names_round_trip)
{
	for (int v = OS_VARIANT_GOOD; v <= OS_VARIANT_UNHEALTHY; v++)
		CHECK_EQ_INT(os_variant_from_name(os_variant_name((enum os_variant)v)), v);
	CHECK_EQ_INT(os_variant_from_name("Panic"), -1);
}
