/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * oci_parse.h - inside the spec stage only: the section parsers of config.json
 * (src/spec/oci_*.c) that src/spec/oci.c puts together, and the field-named
 * accessors they share. Other modules use oci.h.
 *
 * Every parser checks the JSON type and the meaning of its fields and names the
 * field at fault: "mounts[2].source: is required for a bind mount". They return
 * 0 or a negative errno with @err set; what they fill in @spec is owned by it.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_tree.h>

#include "ward/error.h"
#include "ward/spec.h"
#include "ward/util.h"

/* the longest field name a message quotes ("linux.resources.devices[3].access") */
#define OCI_FIELD_MAX 128

/* ---- field-named accessors (oci_field.c): absent or null values leave *out alone ---- */

/** oci_bad() - "@field: @what" into @err. Return: -EINVAL. */
int oci_bad(struct ward_err *err, const char *field, const char *what) __attribute__((nonnull));

/** oci_field_at() - "@base[@i].@key" (no key: "@base[@i]") in @buf, OCI_FIELD_MAX bytes. */
const char *oci_field_at(char *buf, const char *base, size_t i, const char *key)
    __attribute__((nonnull(1, 2)));

/** oci_get_string() - @key of @obj: a string, or *@out NULL when absent. */
int oci_get_string(yajl_val obj, const char *key, const char *field, const char **out,
		   struct ward_err *err) __attribute__((nonnull(2, 3, 4, 5)));

/** oci_get_bool() - @key of @obj: a boolean. */
int oci_get_bool(yajl_val obj, const char *key, const char *field, bool *out, struct ward_err *err)
    __attribute__((nonnull(2, 3, 4, 5)));

/** oci_get_int() - @key of @obj: an integer in [@min, @max]; *@set (if given): it was there. */
int oci_get_int(yajl_val obj, const char *key, const char *field, long long min, long long max,
		long long *out, bool *set, struct ward_err *err)
    __attribute__((nonnull(2, 3, 6, 8)));

/** oci_get_u64() - @key of @obj: a required unsigned 64-bit integer (rlimits). */
int oci_get_u64(yajl_val obj, const char *key, const char *field, uint64_t *out,
		struct ward_err *err) __attribute__((nonnull(2, 3, 4, 5)));

/** oci_get_strv() - @key of @obj: an array of strings, appended to @sv. */
int oci_get_strv(yajl_val obj, const char *key, const char *field, struct strv *sv,
		 struct ward_err *err) __attribute__((nonnull(2, 3, 4, 5)));

/**
 * oci_get_type() - @entry, element @i of the list @base, is an object with a
 * string "type" (required), into *@type; @field (OCI_FIELD_MAX bytes) is left
 * holding "@base[@i].type" for the caller's own messages about it.
 */
int oci_get_type(yajl_val entry, const char *base, size_t i, char *field, const char **type,
		 struct ward_err *err) __attribute__((nonnull(2, 4, 5, 6)));

/** oci_check_object() - @v is absent or an object. */
int oci_check_object(yajl_val v, const char *field, struct ward_err *err)
    __attribute__((nonnull(2, 3)));

/** oci_bundle_path() - a host path the config names; a relative one is in @bundle. */
char *oci_bundle_path(const char *bundle, const char *path)
    __attribute__((nonnull, malloc, returns_nonnull));

/* ---- the sections ------------------------------------------------------------------- */

/** oci_process_parse() - "process" (required): args, env, cwd, user, rlimits, caps. */
int oci_process_parse(yajl_val process, struct container_spec *spec, struct ward_err *err)
    __attribute__((nonnull(2, 3)));

/**
 * oci_sched_parse() - process.ioPriority, scheduler and execCPUAffinity into @out
 * (zeroed first), checked as runc 1.2 checks them.
 */
int oci_sched_parse(yajl_val process, struct spec_sched *out, struct ward_err *err)
    __attribute__((nonnull(2, 3)));

/** oci_parse_cpulist() - "0-3,7" into @set. Return: 0, or -EINVAL for a bad list. */
int oci_parse_cpulist(const char *list, cpu_set_t *set) __attribute__((nonnull));

/** oci_root_parse() - "root" (required): root.path in @bundle, a directory, not "/". */
int oci_root_parse(yajl_val root, const char *bundle, struct container_spec *spec,
		   struct ward_err *err) __attribute__((nonnull(2, 3, 4)));

/** oci_mounts_parse() - "mounts": binds and tmpfs; the standard ones are ward's anyway. */
int oci_mounts_parse(yajl_val mounts, const char *bundle, struct container_spec *spec,
		     struct ward_err *err) __attribute__((nonnull(2, 3, 4)));

/** oci_propagation() - the MS_* flags of a propagation name ("rslave"); false if none. */
bool oci_propagation(const char *name, unsigned long *flags) __attribute__((nonnull));

/** oci_mount_option_name() - the @i-th mount option ward knows, or NULL past the last. */
const char *oci_mount_option_name(size_t i);

/** oci_linux_parse() - "linux": namespaces, id mappings, paths, resources, seccomp, ... */
int oci_linux_parse(yajl_val lx, struct container_spec *spec, struct ward_err *err)
    __attribute__((nonnull(2, 3)));

/** oci_host_parse() - linux.netDevices and linux.intelRdt, both of @lx (an object). */
int oci_host_parse(yajl_val lx, struct spec_oci *o, struct ward_err *err)
    __attribute__((nonnull(2, 3)));

/** oci_ns_name() - "pid" for CLONE_NEWPID, ... ("?" for anything else). */
const char *oci_ns_name(int flag);

/** oci_resources_parse() - a LinuxResources object (linux.resources) into @out. */
int oci_resources_parse(yajl_val res, struct spec_resources *out, struct ward_err *err)
    __attribute__((nonnull(2, 3)));

/**
 * oci_finish_device_rules() - the device cgroup's rules after the config's own:
 * the nodes every container gets, then rwm on each node of linux.devices.
 */
void oci_finish_device_rules(struct container_spec *spec) __attribute__((nonnull));

/** oci_hooks_parse() - "hooks": each kind's list; every path absolute and executable. */
int oci_hooks_parse(yajl_val hooks, struct spec_oci *o, struct ward_err *err)
    __attribute__((nonnull(2, 3)));

/** oci_annotations_parse() - "annotations": an object of strings, kept in order. */
int oci_annotations_parse(yajl_val v, struct spec_oci *o, struct ward_err *err)
    __attribute__((nonnull(2, 3)));

/** oci_check_rlimits() - no hard limit above ward's own unless it may raise it. */
int oci_check_rlimits(const struct spec_oci *o, struct ward_err *err) __attribute__((nonnull));
