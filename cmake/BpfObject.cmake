# SPDX-License-Identifier: BSD-2-Clause
# xmip_bpf_object(NAME SOURCE HEADERS...)
# Compiles SOURCE with clang -target bpf (BTF on), then generates a libbpf
# skeleton NAME.skel.h with bpftool, and exposes both as the interface target
# NAME_skel: link it to include the skeleton.
find_program(CLANG clang REQUIRED)
find_program(BPFTOOL bpftool REQUIRED)

execute_process(COMMAND uname -m OUTPUT_VARIABLE XMIP_ARCH OUTPUT_STRIP_TRAILING_WHITESPACE)
if(XMIP_ARCH STREQUAL "x86_64")
  set(XMIP_BPF_ARCH x86)
  set(XMIP_MULTIARCH_INC /usr/include/x86_64-linux-gnu)
elseif(XMIP_ARCH STREQUAL "aarch64")
  set(XMIP_BPF_ARCH arm64)
  set(XMIP_MULTIARCH_INC /usr/include/aarch64-linux-gnu)
else()
  message(FATAL_ERROR "unsupported architecture ${XMIP_ARCH}")
endif()

function(xmip_bpf_object name source)
  set(obj ${CMAKE_CURRENT_BINARY_DIR}/${name}.bpf.o)
  set(skel ${CMAKE_CURRENT_BINARY_DIR}/${name}.skel.h)
  add_custom_command(
    OUTPUT ${obj}
    COMMAND ${CLANG} -O2 -g -target bpf -D__TARGET_ARCH_${XMIP_BPF_ARCH}
            -Wall -Werror -Wno-unused-function
            -I${CMAKE_SOURCE_DIR}/bpf -I${XMIP_MULTIARCH_INC}
            -c ${CMAKE_CURRENT_SOURCE_DIR}/${source} -o ${obj}
    DEPENDS ${source} ${ARGN}
    COMMENT "BPF ${source}"
    VERBATIM)
  add_custom_command(
    OUTPUT ${skel}
    COMMAND ${BPFTOOL} gen skeleton ${obj} name ${name} > ${skel}
    DEPENDS ${obj}
    COMMENT "skeleton ${name}.skel.h"
    VERBATIM)
  add_custom_target(${name}_gen DEPENDS ${skel})
  add_library(${name}_skel INTERFACE)
  add_dependencies(${name}_skel ${name}_gen)
  target_include_directories(${name}_skel INTERFACE ${CMAKE_CURRENT_BINARY_DIR} ${CMAKE_SOURCE_DIR}/bpf)
  target_link_libraries(${name}_skel INTERFACE PkgConfig::LIBBPF)
endfunction()
