# Turns the file IN into a C source OUT defining ward_default_profile[] and its length.
file(READ ${IN} hex HEX)
string(LENGTH "${hex}" hexlen)
math(EXPR len "${hexlen} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(WRITE ${OUT} "/* generated from profiles/default.json by scripts/embed.cmake; do not edit */\n"
  "#include <stddef.h>\n"
  "const char ward_default_profile[] = {${bytes} 0x00};\n"
  "const size_t ward_default_profile_len = ${len};\n")
