# SPDX-License-Identifier: MIT
# Writes loupe.1 (groff) from the binary's own help, so the man page never lists a command the binary
# lacks or misses one it has: the COMMANDS section is `loupe --help`, each command's section is
# `loupe COMMAND --help`. Run as: cmake -DLOUPE_EXE=... -DOUT=.../loupe.1 -P ManPage.cmake
if(NOT LOUPE_EXE OR NOT OUT)
  message(FATAL_ERROR "ManPage.cmake needs -DLOUPE_EXE=<loupe binary> -DOUT=<loupe.1>")
endif()

function(run_help out_var)
  execute_process(COMMAND ${LOUPE_EXE} ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE text ERROR_VARIABLE err
                  TIMEOUT 30)
  if(NOT rc EQUAL 0)
    list(JOIN ARGN " " args)
    message(FATAL_ERROR "${LOUPE_EXE} ${args} failed (${rc}): ${err}")
  endif()
  set(${out_var} "${text}" PARENT_SCOPE)
endfunction()

# Plain text to groff: backslashes and dashes escaped, no line may start with a control character.
function(groff_escape out_var text)
  string(REPLACE "\\" "\\e" text "${text}")
  string(REPLACE "-" "\\-" text "${text}")
  string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" text "${text}")
  set(${out_var} "${text}" PARENT_SCOPE)
endfunction()

run_help(version --version)
string(STRIP "${version}" version)
run_help(usage --help)

# `loupe --help` lists commands as two spaces, the name, padding, the summary. A summary's own ';'
# is hidden while the text is a CMake list.
string(REPLACE ";" "<semicolon>" lines "${usage}")
string(REPLACE "\n" ";" lines "${lines}")
set(commands "")
set(command_list "")
set(in_commands OFF)
foreach(line IN LISTS lines)
  if(line STREQUAL "Commands:")
    set(in_commands ON)
  elseif(in_commands AND line MATCHES "^  ([a-z][a-z0-9-]*) +(.*)$")
    set(name "${CMAKE_MATCH_1}")
    string(REPLACE "<semicolon>" ";" summary "${CMAKE_MATCH_2}")
    groff_escape(summary "${summary}")
    groff_escape(ename "${name}")
    string(APPEND commands ".TP\n.B ${ename}\n${summary}\n")
    list(APPEND command_list "${name}")
  endif()
endforeach()
if(NOT command_list)
  message(FATAL_ERROR "${LOUPE_EXE} --help lists no commands:\n${usage}")
endif()

set(details "")
foreach(name IN LISTS command_list)
  run_help(help ${name} --help)
  string(STRIP "${help}" help)
  groff_escape(help "${help}")
  groff_escape(ename "${name}")
  string(APPEND details ".SS \"loupe ${ename}\"\n.nf\n${help}\n.fi\n")
endforeach()

groff_escape(eversion "${version}")
file(WRITE "${OUT}.tmp" ".\\\" Generated from `loupe --help` by installers/cmake/ManPage.cmake; do not edit.
.TH LOUPE 1 \"\" \"${eversion}\" \"User Commands\"
.SH NAME
loupe \\- workbench for annotating images and explaining vision models
.SH SYNOPSIS
.B loupe
[\\fIPROJECT\\fR.loupe | \\fB\\-\\-sample\\fR]
.br
.B loupe
\\fICOMMAND\\fR [\\fIARGS\\fR...]
.br
.B loupe
\\fICOMMAND\\fR \\fB\\-\\-help\\fR
.SH DESCRIPTION
Without a command, \\fBloupe\\fR opens the workbench window on the given project file, or on the
sample project (created on first run) with \\fB\\-\\-sample\\fR. With a command it runs headless and
needs no display.
.PP
A project is one SQLite file (\\fI.loupe\\fR) holding the images' references, their annotations,
and every model run with its provenance.
.SH OPTIONS
.TP
.B \\-\\-help
Lists the commands.
.TP
.B \\-\\-version
Prints the version.
.TP
.B \\-\\-sample
Opens the sample project.
.SH COMMANDS
${commands}.SH \"COMMAND OPTIONS\"
${details}.SH ENVIRONMENT
.TP
.B LOUPE_MODELS_DIR
A folder searched first for the shipped models.
.TP
.B HF_TOKEN
Access token for gated Hugging Face Hub repositories (\\fBloupe model download\\fR).
.SH FILES
.TP
.I /usr/share/loupe/models
The shipped demo models (a ViT classifier, CLIP, a captioner, BLIP question answering, SAM), each
with a model card (README.md).
.SH \"SEE ALSO\"
The README shipped with the sources.
")
file(RENAME "${OUT}.tmp" "${OUT}")
