# SPDX-License-Identifier: Dual MIT/GPL
# Embeds the BPF templates into falcoc (compiler/probe_build.c):
#   cmake -DDIR=<bpf-templates> -DOUT=<file.c> -P embed_templates.cmake
# writes pb_templates[] = { name, bytes, length } for each template file.
set(FILES falcoc_abi.h fc_types.h fc_probe.bpf.h fc_programs.bpf.h fc_syscalls.def fc_flags.h)
set(body "/* Generated from bpf-templates/ by embed_templates.cmake. */\n#include <stddef.h>\n#include \"probe_build.h\"\n\n")
set(table "")
set(i 0)
foreach(f ${FILES})
  file(READ "${DIR}/${f}" hex HEX)
  string(LENGTH "${hex}" hexlen)
  math(EXPR n "${hexlen} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(APPEND body "static const char pb_t${i}[] = {${bytes} 0};\n")
  string(APPEND table "\t{ \"${f}\", pb_t${i}, ${n} },\n")
  math(EXPR i "${i} + 1")
endforeach()
string(APPEND body "\nconst struct pb_template pb_templates[] = {\n${table}\t{ NULL, NULL, 0 },\n};\n")
file(WRITE "${OUT}.tmp" "${body}")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
