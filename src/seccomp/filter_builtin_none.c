// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * filter_builtin_none.c - an empty table of precompiled programs, for the
 * programs linked without the generated one (ward-precompile itself, the
 * fuzzers): the linker takes this member of libward only when nothing else
 * defines the table, and the weak definitions yield to a generated one.
 */
#include "ward/filter.h"

__attribute__((weak)) const struct filter_builtin filter_builtins[1];
__attribute__((weak)) const size_t filter_nbuiltins;
