# SPDX-License-Identifier: BSD-2-Clause
# Installation (GNUInstallDirs) and the Debian package (CPack).
#
#   cmake --install build --prefix /usr/local      # or any prefix
#   cpack -G DEB --config build/CPackConfig.cmake   # xmip_<version>_<arch>.deb
#
# Paths that depend on the prefix are worked out when installing, not when
# configuring, so `cmake --install --prefix X` and the package (prefix /usr,
# through DESTDIR) get a unit that runs X/sbin/xmipd: the systemd unit is
# generated then, and the configuration directory is /etc/xmip for the
# prefix /usr (GNUInstallDirs' rule) and PREFIX/etc/xmip otherwise.
include(GNUInstallDirs)

install(TARGETS xmipd xmip-dp xmip-mh-inspect RUNTIME DESTINATION ${CMAKE_INSTALL_SBINDIR})
install(TARGETS mipctl RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES configs/ha.toml configs/mn.toml configs/network-mip6.conf.ha configs/network-mip6.conf.mn
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
install(FILES README.md docs/configuration.md docs/security.md docs/mipctl.md docs/restart.md
              docs/metrics-http.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES man/xmipd.8 man/mipctl.8 DESTINATION ${CMAKE_INSTALL_MANDIR}/man8)
install(FILES man/xmip.toml.5 DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)
install(FILES man/mipctl.bash-completion DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
        RENAME mipctl)

set(XMIP_UNIT_TEMPLATE ${PROJECT_SOURCE_DIR}/dist/xmipd@.service.in)
set(XMIP_CONFIG_EXAMPLES ${PROJECT_SOURCE_DIR}/configs/ha.toml ${PROJECT_SOURCE_DIR}/configs/mn.toml)
install(CODE "
  set(prefix \"\${CMAKE_INSTALL_PREFIX}\")
  if(prefix STREQUAL \"/usr\")
    set(confdir \"/etc/xmip\")
  else()
    set(confdir \"\${prefix}/${CMAKE_INSTALL_SYSCONFDIR}/xmip\")
  endif()
  set(SBINDIR \"\${prefix}/${CMAKE_INSTALL_SBINDIR}\")
  set(CONFDIR \"\${confdir}\")
  configure_file(\"${XMIP_UNIT_TEMPLATE}\" \"${CMAKE_BINARY_DIR}/xmipd@.service\" @ONLY)
  # file(INSTALL) adds DESTDIR itself; MAKE_DIRECTORY and CHMOD do not.
  file(INSTALL \"${CMAKE_BINARY_DIR}/xmipd@.service\" DESTINATION \"\${prefix}/lib/systemd/system\")
  # The example configurations, as the instances ha and mn (conffiles in the package).
  file(INSTALL ${XMIP_CONFIG_EXAMPLES} DESTINATION \"\${confdir}\")
  file(MAKE_DIRECTORY \"\$ENV{DESTDIR}\${confdir}/keys\")
  file(CHMOD \"\$ENV{DESTDIR}\${confdir}/keys\" DIRECTORY_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE)
")

# ---- the Debian package ----------------------------------------------------------
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME xmip)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "xmip developers <xmip@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Mobile IPv6 home agent and mobile node with an eBPF datapath")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "xmipd is a Mobile IPv6 (RFC 6275) home agent or mobile node whose datapath\n runs in eBPF (XDP and tc); mipctl queries and drives it.")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # xmip_<version>_<arch>.deb
# Dependencies from the shared libraries the binaries link (dpkg-shlibdeps):
# libbpf1, libmnl0, libsqlite3-0 (the binding store), ...
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Installed with DESTDIR and the prefix /usr, so the install code above sees
# the prefix the package has (and puts the configuration in /etc/xmip).
set(CPACK_SET_DESTDIR ON)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_INSTALL_PREFIX /usr)
file(WRITE ${CMAKE_BINARY_DIR}/deb/conffiles "/etc/xmip/ha.toml\n/etc/xmip/mn.toml\n")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${CMAKE_BINARY_DIR}/deb/conffiles)
include(CPack)
