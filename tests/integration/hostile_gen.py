# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes the bad inputs of test_hostile.sh: seccomp profiles and config.json files.

    python3 hostile_gen.py OUTDIR BASE_CONFIG ROOTFS

OUTDIR/profiles/NAME.json and OUTDIR/configs/NAME/config.json, and a manifest per
kind (OUTDIR/profiles.tsv, OUTDIR/configs.tsv): NAME <TAB> NEEDLE, where NEEDLE is
what the one-line error must mention (the JSON path of the bad field, or the file).
Every input here is wrong: ward must refuse each one.
"""
import copy
import json
import os
import sys

out, base_config, rootfs = sys.argv[1:4]

# values of every JSON type, and the worst of each
WRONG = {
    "str": "x",
    "int": 1,
    "neg": -1,
    "huge": 18446744073709551616,
    "float": 1.5,
    "exp": "1e999",  # placed raw: a number yajl cannot hold
    "true": True,
    "arr": [],
    "obj": {},
    "nul": "a\u0000b",
}


def raw_json(doc):
    return json.dumps(doc, indent=1).replace('"@EXP@"', "1e999")


def wrong_values(want):
    """The WRONG values whose JSON type differs from @want (str, int, arr, obj, bool)."""
    skip = {
        "str": {"str", "nul"},
        "int": {"int", "neg"},
        "uint": {"int"},
        "arr": {"arr"},
        "obj": {"obj"},
        "bool": {"true"},
    }[want]
    for k, v in WRONG.items():
        if k in skip:
            continue
        yield k, ("@EXP@" if k == "exp" else v)


def write(kind, name, text, needle):
    if kind == "profiles":
        path = os.path.join(out, "profiles", name + ".json")
    else:
        os.makedirs(os.path.join(out, "configs", name), exist_ok=True)
        path = os.path.join(out, "configs", name, "config.json")
    with open(path, "w" if isinstance(text, str) else "wb") as f:
        f.write(text)
    with open(os.path.join(out, kind + ".tsv"), "a") as f:
        f.write("%s\t%s\n" % (name, needle))


os.makedirs(os.path.join(out, "profiles"), exist_ok=True)
os.makedirs(os.path.join(out, "configs"), exist_ok=True)

# ---- profiles ----------------------------------------------------------------------

PROFILE = {
    "defaultAction": "SCMP_ACT_ALLOW",
    "architectures": ["SCMP_ARCH_X86_64"],
    "flags": ["SECCOMP_FILTER_FLAG_LOG"],
    "syscalls": [
        {
            "names": ["getpid", "getppid"],
            "action": "SCMP_ACT_ERRNO",
            "args": [{"index": 0, "value": 1, "valueTwo": 0, "op": "SCMP_CMP_EQ"}],
            "includes": {"caps": ["CAP_SYS_ADMIN"], "arches": ["amd64"], "minKernel": "4.8"},
            "excludes": {"caps": ["CAP_SYS_PTRACE"]},
            "errnoRet": 1,
            "comment": "c",
        }
    ],
}

# (path to the field, the type it must have)
PROFILE_FIELDS = [
    (["defaultAction"], "str"),
    (["defaultErrnoRet"], "uint"),
    (["architectures"], "arr"),
    (["architectures", 0], "str"),
    (["flags"], "arr"),
    (["flags", 0], "str"),
    (["syscalls"], "arr"),
    (["syscalls", 0], "obj"),
    (["syscalls", 0, "names"], "arr"),
    (["syscalls", 0, "names", 1], "str"),
    (["syscalls", 0, "action"], "str"),
    (["syscalls", 0, "args"], "arr"),
    (["syscalls", 0, "args", 0], "obj"),
    (["syscalls", 0, "args", 0, "index"], "uint"),
    (["syscalls", 0, "args", 0, "value"], "uint"),
    (["syscalls", 0, "args", 0, "valueTwo"], "uint"),
    (["syscalls", 0, "args", 0, "op"], "str"),
    (["syscalls", 0, "includes"], "obj"),
    (["syscalls", 0, "includes", "caps"], "arr"),
    (["syscalls", 0, "includes", "caps", 0], "str"),
    (["syscalls", 0, "includes", "arches"], "arr"),
    (["syscalls", 0, "includes", "minKernel"], "str"),
    (["syscalls", 0, "excludes"], "obj"),
    (["syscalls", 0, "excludes", "caps", 0], "str"),
    (["syscalls", 0, "errnoRet"], "uint"),
]


def path_name(path):
    s = ""
    for p in path:
        s += "[%d]" % p if isinstance(p, int) else ("." if s else "") + p
    return s


def field_name(path):
    """The path up to its last key: a wrong element may be reported for its array."""
    while isinstance(path[-1], int):
        path = path[:-1]
    if path[:2] == ["linux", "seccomp"] and len(path) > 2:
        return path_name(path[2:])  # the profile engine names its own path
    return path_name(path)


def set_at(doc, path, value):
    for p in path[:-1]:
        doc = doc[p]
    doc[path[-1]] = value


with open(os.path.join(out, "valid-profile.json"), "w") as f:
    f.write(raw_json(PROFILE))

n = 0
for path, want in PROFILE_FIELDS:
    for label, value in wrong_values(want):
        if want == "uint" and label in ("float",):
            continue  # 1.5 for an integer: reported as a type error below anyway
        doc = copy.deepcopy(PROFILE)
        set_at(doc, path, value)
        name = "type-%s-%s" % (path_name(path).replace("[", "-").replace("]", "").replace(".", "-"), label)
        write("profiles", name, raw_json(doc), field_name(path))
        n += 1

# values of the right type that mean nothing
BAD_VALUES = [
    (["defaultAction"], "SCMP_ACT_NOPE", "defaultAction"),
    (["defaultAction"], "", "defaultAction"),
    (["defaultAction"], "scmp_act_allow", "defaultAction"),
    (["defaultAction"], "SCMP_ACT_ALLOW\u0000junk", "defaultAction"),
    (["defaultAction"], "SCMP_ACT_ERRNO\n", "defaultAction"),
    (["defaultErrnoRet"], 65536, "defaultErrnoRet"),
    (["defaultErrnoRet"], 4294967296, "defaultErrnoRet"),
    (["architectures", 0], "SCMP_ARCH_PDP11", "SCMP_ARCH_PDP11"),
    (["architectures", 0], "SCMP_ARCH_X86_64\u0000", "architectures[0]"),
    (["flags", 0], "SECCOMP_FILTER_FLAG_NOPE", "flags[0]"),
    (["syscalls", 0, "action"], "SCMP_ACT_FOO", "syscalls[0].action"),
    (["syscalls", 0, "action"], "SCMP_ACT_ALLOW\u0000x", "syscalls[0].action"),
    (["syscalls", 0, "names", 0], "getpid\u0000x", "syscalls[0].names[0]"),
    (["syscalls", 0, "names", 0], "", "syscalls[0].names[0]"),
    (["syscalls", 0, "names"], [], "syscalls[0]"),
    (["syscalls", 0, "args", 0, "index"], 6, "syscalls[0].args[0].index"),
    (["syscalls", 0, "args", 0, "index"], 4294967296, "syscalls[0].args[0].index"),
    (["syscalls", 0, "args", 0, "value"], 18446744073709551616, "syscalls[0].args[0].value"),
    (["syscalls", 0, "args", 0, "value"], -1, "syscalls[0].args[0].value"),
    (["syscalls", 0, "args", 0, "op"], "SCMP_CMP_NOPE", "syscalls[0].args[0].op"),
    (["syscalls", 0, "args", 0, "op"], "SCMP_CMP_EQ\u0000", "syscalls[0].args[0].op"),
    (["syscalls", 0, "includes", "minKernel"], "4.8.1", "syscalls[0].includes.minKernel"),
    (["syscalls", 0, "includes", "minKernel"], "99999999999999999999.1", "syscalls[0].includes.minKernel"),
    (["syscalls", 0, "includes", "minKernel"], "4.\u00008", "syscalls[0].includes.minKernel"),
    (["syscalls", 0, "includes", "caps", 0], "CAP_\u0000SYS_ADMIN", "syscalls[0].includes.caps[0]"),
    (["syscalls", 0, "errnoRet"], 65536, "syscalls[0].errnoRet"),
    (["syscalls", 0, "comment"], "\u0000", "syscalls[0].comment"),
]
for i, (path, value, needle) in enumerate(BAD_VALUES):
    doc = copy.deepcopy(PROFILE)
    set_at(doc, path, value)
    write("profiles", "value-%02d" % i, raw_json(doc), needle)

# documents that are not a profile at all
write("profiles", "doc-empty", "", "empty")
write("profiles", "doc-blank", " \n\t\n", "empty input")
write("profiles", "doc-array", "[]", "top level")
write("profiles", "doc-string", '"SCMP_ACT_ALLOW"', "top level")
write("profiles", "doc-null", "null", "top level")
write("profiles", "doc-number", "1e999", "top level")
write("profiles", "doc-two", '{"defaultAction": "SCMP_ACT_ALLOW"} {}', "not valid JSON")
write("profiles", "doc-comment", '{"defaultAction": /* x */ "SCMP_ACT_ALLOW"}', "not valid JSON")
write("profiles", "doc-trailing-comma", '{"defaultAction": "SCMP_ACT_ALLOW",}', "not valid JSON")
write("profiles", "doc-nul-byte", b'{"defaultAction": "SCMP_ACT_ALLOW"}\x00junk', "not valid JSON")
write("profiles", "doc-nul-in-string-raw", b'{"defaultAction": "SCMP_\x00ACT_ALLOW"}', "not valid JSON")
write("profiles", "doc-bad-utf8", b'{"defaultAction": "SCMP_ACT_\xff\xfe"}', "not valid JSON")
write("profiles", "doc-bad-escape", '{"defaultAction": "\\uD800"}', "defaultAction")
write("profiles", "doc-nul-key", '{"default\\u0000Action": "SCMP_ACT_ALLOW"}', "a key")
write("profiles", "doc-deep-array", '{"x": ' + "[" * 100000 + "]" * 100000 + "}", "nested deeper")
write("profiles", "doc-deep-object", '{"x": ' + '{"a": ' * 70 + "1" + "}" * 70 + "}", "nested deeper")
write("profiles", "doc-unclosed-deep", "[" * 200000, "not valid JSON")
write("profiles", "doc-many-rules",
      json.dumps({"defaultAction": "SCMP_ACT_ERRNO",
                  "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}] * 10000
                  + [{"names": ["read"], "action": "SCMP_ACT_NOPE"}]}),
      "syscalls[10000].action")
write("profiles", "doc-long-name",
      json.dumps({"defaultAction": "SCMP_ACT_ERRNO",
                  "syscalls": [{"names": ["x" * 100000], "action": "SCMP_ACT_NOPE"}]}),
      "syscalls[0].action")

# ---- config.json -------------------------------------------------------------------

with open(base_config) as f:
    CONFIG = json.load(f)

CONFIG_FIELDS = [
    (["ociVersion"], "str"),
    (["root"], "obj"),
    (["root", "path"], "str"),
    (["root", "readonly"], "bool"),
    (["process"], "obj"),
    (["process", "args"], "arr"),
    (["process", "args", 0], "str"),
    (["process", "env"], "arr"),
    (["process", "env", 0], "str"),
    (["process", "cwd"], "str"),
    (["process", "user"], "obj"),
    (["process", "user", "uid"], "int"),
    (["process", "user", "gid"], "int"),
    (["process", "user", "additionalGids"], "arr"),
    (["process", "capabilities"], "obj"),
    (["process", "capabilities", "bounding"], "arr"),
    (["process", "capabilities", "bounding", 0], "str"),
    (["process", "capabilities", "effective"], "arr"),
    (["process", "rlimits"], "arr"),
    (["process", "rlimits", 0], "obj"),
    (["process", "rlimits", 0, "type"], "str"),
    (["process", "rlimits", 0, "hard"], "uint"),
    (["process", "rlimits", 0, "soft"], "uint"),
    (["process", "noNewPrivileges"], "bool"),
    (["process", "terminal"], "bool"),
    (["process", "oomScoreAdj"], "int"),
    (["hostname"], "str"),
    (["mounts"], "arr"),
    (["mounts", 0], "obj"),
    (["mounts", 0, "destination"], "str"),
    (["mounts", 0, "type"], "str"),
    (["mounts", 0, "source"], "str"),
    (["mounts", 0, "options"], "arr"),
    (["mounts", 0, "options", 0], "str"),
    (["linux"], "obj"),
    (["linux", "namespaces"], "arr"),
    (["linux", "namespaces", 0], "obj"),
    (["linux", "namespaces", 0, "type"], "str"),
    (["linux", "maskedPaths"], "arr"),
    (["linux", "maskedPaths", 0], "str"),
    (["linux", "readonlyPaths"], "arr"),
    (["linux", "sysctl"], "obj"),
    (["linux", "resources"], "obj"),
    (["linux", "resources", "memory"], "obj"),
    (["linux", "resources", "memory", "limit"], "int"),
    (["linux", "resources", "pids"], "obj"),
    (["linux", "resources", "pids", "limit"], "int"),
    (["linux", "resources", "devices"], "arr"),
    (["linux", "resources", "devices", 0], "obj"),
    (["linux", "seccomp"], "obj"),
    (["linux", "seccomp", "defaultAction"], "str"),
    (["linux", "seccomp", "syscalls"], "arr"),
    (["linux", "rootfsPropagation"], "str"),
    (["hooks"], "obj"),
    (["hooks", "prestart"], "arr"),
    (["hooks", "prestart", 0], "obj"),
    (["hooks", "prestart", 0, "path"], "str"),
    (["annotations"], "obj"),
]

BASE = copy.deepcopy(CONFIG)
BASE["root"] = {"path": rootfs, "readonly": True}
BASE["process"]["args"] = ["/usr/bin/ward-testhelper", "true"]
BASE["process"]["env"] = ["PATH=/usr/bin:/bin"]
BASE["process"]["capabilities"] = {"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"],
                                   "permitted": ["CAP_KILL"]}
BASE["process"]["noNewPrivileges"] = True
BASE["process"]["terminal"] = False
BASE["hostname"] = "hostile"
BASE["mounts"] = [{"destination": "/proc", "type": "proc", "source": "proc"}]
BASE["linux"] = {"namespaces": [{"type": "pid"}, {"type": "mount"}, {"type": "network"},
                                {"type": "uts"}, {"type": "ipc"}],
                 "maskedPaths": ["/proc/kcore"], "readonlyPaths": ["/proc/sys"]}
BASE["process"]["rlimits"] = [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}]
BASE["process"]["user"]["additionalGids"] = [1]
BASE["process"]["oomScoreAdj"] = 0
BASE["mounts"][0:0] = [{"destination": "/mnt", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid"]}]
BASE["linux"]["sysctl"] = {"kernel.shmmni": "4096"}
BASE["linux"]["resources"] = {"memory": {"limit": 67108864}, "pids": {"limit": 100},
                              "devices": [{"allow": False, "access": "rwm"}]}
BASE["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_ALLOW",
                            "syscalls": [{"names": ["getpid"], "action": "SCMP_ACT_ERRNO"}]}
BASE["linux"]["rootfsPropagation"] = "rslave"
BASE["hooks"] = {"prestart": [{"path": "/bin/true"}]}
BASE["annotations"] = {"a": "b"}

os.makedirs(os.path.join(out, "valid-config"), exist_ok=True)
with open(os.path.join(out, "valid-config", "config.json"), "w") as f:
    f.write(raw_json(BASE))

for path, want in CONFIG_FIELDS:
    for label, value in wrong_values(want):
        if want == "obj" and label == "arr" and path[-1] in ("sysctl", "annotations"):
            pass
        doc = copy.deepcopy(BASE)
        set_at(doc, path, value)
        name = "type-%s-%s" % (path_name(path).replace("[", "-").replace("]", "").replace(".", "-"), label)
        write("configs", name, raw_json(doc), field_name(path))

CONFIG_VALUES = [
    (["ociVersion"], "2.0.0", "ociVersion"),
    (["ociVersion"], "1.0.2\u0000", "ociVersion"),
    (["root", "path"], "/nonexistent-ward-hostile", "root.path"),
    (["root", "path"], "/", "root.path"),
    (["root", "path"], "rootfs\u0000/../../", "root.path"),
    (["process", "args"], [], "process.args"),
    (["process", "args", 0], "/bin/tr\u0000ue", "process.args[0]"),
    (["process", "env", 0], "NOEQUALS", "process.env"),
    (["process", "env", 0], "A=\u0000", "process.env[0]"),
    (["process", "cwd"], "relative", "process.cwd"),
    (["process", "cwd"], "/\u0000", "process.cwd"),
    (["process", "user", "uid"], -1, "process.user.uid"),
    (["process", "user", "uid"], 4294967296, "process.user.uid"),
    (["process", "capabilities", "bounding", 0], "CAP_NOPE", "process.capabilities.bounding"),
    (["process", "capabilities", "bounding", 0], "CAP_KILL\u0000", "process.capabilities.bounding[0]"),
    (["process", "rlimits", 0, "type"], "RLIMIT_NOPE", "process.rlimits[0].type"),
    (["process", "rlimits", 0, "soft"], 18446744073709551616, "process.rlimits[0].soft"),
    (["process", "oomScoreAdj"], 1001, "process.oomScoreAdj"),
    (["hostname"], "h" * 65, "hostname"),
    (["hostname"], "h\u0000x", "hostname"),
    (["mounts", 0, "destination"], "relative", "mounts[0].destination"),
    (["mounts", 0, "destination"], "/", "mounts[0].destination"),
    (["mounts", 0, "destination"], "//./", "mounts[0].destination"),
    (["mounts", 0, "destination"], "/mnt\u0000/x", "mounts[0].destination"),
    (["mounts", 0, "type"], "nfs", "mounts[0].type"),
    (["mounts", 0, "type"], "tmpfs\u0000", "mounts[0].type"),
    (["mounts", 0, "options", 0], "x" * 2000, "mounts[0].options"),
    (["linux", "namespaces", 0, "type"], "nope", "linux.namespaces[0].type"),
    (["linux", "namespaces", 0, "type"], "pid\u0000", "linux.namespaces[0].type"),
    (["linux", "sysctl"], {"kernel.x": 1}, "linux.sysctl"),
    (["linux", "sysctl"], {"kernel.shmmni\u0000x": "y"}, "linux.sysctl"),
    (["linux", "rootfsPropagation"], "sideways", "linux.rootfsPropagation"),
    (["linux", "seccomp", "defaultAction"], "SCMP_ACT_ALLOW\u0000junk", "linux.seccomp"),
    (["linux", "seccomp", "defaultAction"], "SCMP_ACT_NOPE", "linux.seccomp"),
    (["linux", "seccomp", "syscalls"], [{"names": ["getpid\u0000x"], "action": "SCMP_ACT_ERRNO"}], "linux.seccomp"),
    (["hooks", "prestart", 0, "path"], "relative", "hooks.prestart[0].path"),
    (["hooks", "prestart", 0, "path"], "/bin/tr\u0000ue", "hooks.prestart[0].path"),
    (["annotations"], {"a": 1}, "annotations"),
]
for i, (path, value, needle) in enumerate(CONFIG_VALUES):
    doc = copy.deepcopy(BASE)
    set_at(doc, path, value)
    write("configs", "value-%02d" % i, raw_json(doc), needle)

# mounts over /proc and /sys (issue 13, items 4 and 7)
MOUNTS = [
    {"destination": "/proc"},
    {"destination": "/proc", "type": ""},
    {"destination": "/proc", "type": "", "options": ["nosuid"]},
    {"destination": "/sys", "type": ""},
    {"destination": "/proc", "type": "tmpfs"},
    {"destination": "/proc", "type": "bind", "source": "/tmp", "options": ["rbind"]},
    {"destination": "/proc/", "type": "bind", "source": "/tmp"},
    {"destination": "//proc", "source": "/tmp", "options": ["bind"]},
    {"destination": "/./proc", "type": "bind", "source": "/tmp"},
    {"destination": "/mnt/../proc", "type": "bind", "source": "/tmp"},
    {"destination": "/proc/sys", "type": "tmpfs"},
    {"destination": "/proc/self/fd", "type": "bind", "source": "/tmp"},
    {"destination": "/proc/1", "type": "proc"},
    {"destination": "/sys", "type": "bind", "source": "/tmp"},
    {"destination": "/sys/", "type": "bind", "source": "/tmp", "options": ["rbind", "ro"]},
]
for i, m in enumerate(MOUNTS):
    doc = copy.deepcopy(BASE)
    doc["mounts"].append(m)
    write("configs", "mount-%02d" % i, raw_json(doc), "mounts[%d]" % (len(doc["mounts"]) - 1))

# documents that are not a config
for name, text, needle in [
    ("doc-empty", "", "config.json"),
    ("doc-array", "[]", "config.json"),
    ("doc-comment", '{"ociVersion": "1.0.2" /* x */}', "invalid JSON"),
    ("doc-nul-byte", b'{"ociVersion": "1.0.2"}\x00', "invalid JSON"),
    ("doc-nul-key", json.dumps(BASE).replace('"cwd"', '"c\\u0000wd"', 1), "process"),
    ("doc-deep", '{"ociVersion": "1.0.2", "x": ' + "[" * 100000 + "]" * 100000 + "}", "nested deeper"),
    ("doc-deep-unclosed", "{\"x\": " + "{\"a\": " * 100000, "invalid JSON"),
    ("doc-bad-utf8", b'{"ociVersion": "1.0.\xff"}', "invalid JSON"),
    ("doc-huge", '{"ociVersion": "1.0.2", "x": "' + "x" * (9 << 20) + '"}', "config.json"),
]:
    write("configs", name, text, needle)
