/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * init.h - `ward run --init`: ward-init (src/tools/init/, embedded in ward) as
 * the container's process 1, reaping zombies and forwarding signals to the command.
 */
#pragma once

#include "ward/error.h"
#include "ward/spec.h"

/**
 * init_prepare() - put ward-init in front of @spec's command: a memfd holding
 * it (for proc_opts.exec_fd; the caller closes it) and argv "ward-init -- CMD...".
 *
 * Return: the memfd, or a negative errno with @err set.
 */
int init_prepare(struct container_spec *spec, struct ward_err *err) __attribute__((nonnull));
