/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_resctrl.c - linux.intelRdt's resctrl group, against a fake resctrl tree in
 * a temporary directory (the root is a parameter): the checks before anything
 * starts, the group made or joined, its schemata and tasks, and its removal.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "ward/resctrl.h"
#include "ward/util.h"

static char root[64];

/* a file of the fake tree */
static void put(const char *rel, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

/* the text of a file of the fake tree */
static char *get(const char *rel)
{
	char path[256], *text = NULL;
	struct ward_err err;
	size_t len = 0;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	ck_assert_int_eq(read_file(path, 4096, &text, &len, &err), 0);
	return text;
}

static void sub(const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	ck_assert_int_eq(mkdir(path, 0755), 0);
}

/* resctrl's root: schemata and tasks, info/L3 (no info/MB: no bandwidth allocation) */
static void make_tree(void)
{
	strcpy(root, "/tmp/ward-unit-resctrl-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	put("schemata", "L3:0=fff\n");
	put("tasks", "");
	sub("info");
	sub("info/L3");
}

static void remove_tree(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(test_check)
{
	struct spec_rdt rdt = {.set = true, .l3_cache_schema = "L3:0=f"};
	struct ward_err err = {0};

	ck_assert_int_eq(resctrl_check(root, &rdt, &err), 0);
	ck_assert_int_eq(resctrl_check("/nonexistent/resctrl", &rdt, &err), -EINVAL);
	ck_assert_str_eq(err.msg, "linux.intelRdt: the host has no resctrl filesystem mounted at "
				  "/nonexistent/resctrl");
	rdt.mem_bw_schema = "MB:0=50";
	ck_assert_int_eq(resctrl_check(root, &rdt, &err), -EINVAL);
	ck_assert(str_has_prefix(err.msg, "linux.intelRdt.memBwSchema: the host has no memory "
					  "bandwidth allocation"));
	/* a closID alone names a group that must be there */
	rdt = (struct spec_rdt){.set = true, .clos_id = "shared"};
	ck_assert_int_eq(resctrl_check(root, &rdt, &err), -EINVAL);
	ck_assert(str_has_prefix(err.msg, "linux.intelRdt.closID: no resctrl group 'shared'"));
	sub("shared");
	ck_assert_int_eq(resctrl_check(root, &rdt, &err), 0);
	/* no intelRdt: nothing checked */
	rdt = (struct spec_rdt){0};
	ck_assert_int_eq(resctrl_check("/nonexistent", &rdt, &err), 0);
}
END_TEST

START_TEST(test_join_named_after_container)
{
	struct spec_rdt rdt = {
	    .set = true, .l3_cache_schema = "L3:0=f\nMB:0=10", .mem_bw_schema = "MB:0=50"};
	struct ward_err err = {0};
	char *text, path[256];
	bool made = false;

	ck_assert_int_eq(resctrl_join(root, "c1", &rdt, 4242, &made, &err), 0);
	ck_assert(made);
	/* l3CacheSchema's lines but its MB: one, then memBwSchema */
	text = get("c1/schemata");
	ck_assert_str_eq(text, "L3:0=f\nMB:0=50\n");
	free(text);
	text = get("c1/tasks");
	ck_assert_str_eq(text, "4242");
	free(text);
	/* delete: the group named after the container goes (the kernel empties it; here we do) */
	snprintf(path, sizeof(path), "%s/c1/schemata", root);
	ck_assert_int_eq(unlink(path), 0);
	snprintf(path, sizeof(path), "%s/c1/tasks", root);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(resctrl_leave(root, "c1", &rdt, &err), 0);
	snprintf(path, sizeof(path), "%s/c1", root);
	ck_assert_int_eq(access(path, F_OK), -1);
	/* gone already: not an error */
	ck_assert_int_eq(resctrl_leave(root, "c1", &rdt, &err), 0);
}
END_TEST

START_TEST(test_join_clos_id)
{
	struct spec_rdt rdt = {.set = true, .clos_id = "gold", .l3_cache_schema = "L3:0=3"};
	struct ward_err err = {0};
	bool made = true;
	char *text;

	/* an existing closID group: checked against, not written */
	sub("gold");
	put("gold/schemata", "L3:0=7\nMB:0=100\n");
	put("gold/tasks", "");
	ck_assert_int_eq(resctrl_join(root, "c2", &rdt, 7, &made, &err), -EINVAL);
	ck_assert_str_eq(err.msg, "linux.intelRdt: the resctrl group 'gold' exists, and its "
				  "schemata has no line 'L3:0=3'");
	ck_assert(!made);
	put("gold/schemata", "L3:0=3\nMB:0=100\n");
	ck_assert_int_eq(resctrl_join(root, "c2", &rdt, 7, &made, &err), 0);
	text = get("gold/tasks");
	ck_assert_str_eq(text, "7");
	free(text);
	/* a closID group is left at delete: shared, someone else's */
	ck_assert_int_eq(resctrl_leave(root, "c2", &rdt, &err), 0);
	text = get("gold/schemata");
	free(text);
	/* schemata alone, into a new closID group: written as given */
	rdt = (struct spec_rdt){.set = true, .clos_id = "silver", .schemata = "L3:0=1\nL2:0=f"};
	ck_assert_int_eq(resctrl_join(root, "c3", &rdt, 8, &made, &err), 0);
	ck_assert(made);
	text = get("silver/schemata");
	ck_assert_str_eq(text, "L3:0=1\nL2:0=f");
	free(text);
}
END_TEST

START_TEST(test_add_exec)
{
	struct spec_rdt rdt = {.set = true, .clos_id = "c4"};
	struct ward_err err = {0};
	char *text;

	/* ward exec: into the container's group, which must be there */
	ck_assert_int_eq(resctrl_add(root, "c4", &rdt, 11, &err), -ENOENT);
	ck_assert(str_has_prefix(err.msg, "linux.intelRdt: the container's resctrl group 'c4'"));
	sub("c4");
	put("c4/tasks", "");
	ck_assert_int_eq(resctrl_add(root, "c4", &rdt, 11, &err), 0);
	text = get("c4/tasks");
	ck_assert_str_eq(text, "11");
	free(text);
	rdt.set = false;
	ck_assert_int_eq(resctrl_add("/nonexistent", "c4", &rdt, 11, &err), 0);
}
END_TEST

START_TEST(test_update)
{
	struct spec_rdt rdt = {.set = true};
	struct spec_rdt none = {0};
	struct ward_err err = {0};
	char *text;

	/* ward update --l3-cache-schema: into the group named after the container */
	sub("c5");
	put("c5/schemata", ""); /* resctrl takes a write whole; the fake file is empty */
	ck_assert_int_eq(resctrl_update(root, "c5", &rdt, "L3:0=3", NULL, &err), 0);
	text = get("c5/schemata");
	ck_assert_str_eq(text, "L3:0=3\n");
	free(text);
	/* the host's allocation kinds and the container's config say what can be */
	ck_assert_int_eq(resctrl_update(root, "c5", &rdt, NULL, "MB:0=20", &err), -EINVAL);
	ck_assert(str_has_prefix(err.msg, "update: --mem-bw-schema: the host has no memory "
					  "bandwidth allocation"));
	ck_assert_int_eq(resctrl_update(root, "c5", &none, "L3:0=1", NULL, &err), -EINVAL);
	ck_assert_str_eq(err.msg, "update: --l3-cache-schema: the container has no resctrl group "
				  "(its config has no linux.intelRdt)");
	ck_assert_int_eq(resctrl_update("/nonexistent", "c5", &rdt, "L3:0=1", NULL, &err), -EINVAL);
	ck_assert_str_eq(err.msg, "update: --l3-cache-schema: the host has no resctrl filesystem "
				  "mounted at /nonexistent");
	/* a closID group: that one is written */
	rdt.clos_id = "gold";
	ck_assert_int_eq(resctrl_update(root, "c5", &rdt, "L3:0=1", NULL, &err), -ENOENT);
	ck_assert(str_has_prefix(err.msg, "update: --l3-cache-schema: the container's resctrl "
					  "group 'gold'"));
	sub("gold");
	put("gold/schemata", "");
	ck_assert_int_eq(resctrl_update(root, "c5", &rdt, "L3:0=1", NULL, &err), 0);
	text = get("gold/schemata");
	ck_assert_str_eq(text, "L3:0=1\n");
	free(text);
}
END_TEST

Suite *resctrl_suite(void);

Suite *resctrl_suite(void)
{
	Suite *s = suite_create("resctrl");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, UNIT_TIMEOUT);
	tcase_add_checked_fixture(tc, make_tree, remove_tree);
	tcase_add_test(tc, test_check);
	tcase_add_test(tc, test_join_named_after_container);
	tcase_add_test(tc, test_join_clos_id);
	tcase_add_test(tc, test_add_exec);
	tcase_add_test(tc, test_update);
	suite_add_tcase(s, tc);
	return s;
}
