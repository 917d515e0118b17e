# What `cmake --install` puts beside the binary (the top CMakeLists.txt installs the binary itself
# to <prefix>/bin): the manual page, and the service definition of the platform.
#   all:     <prefix>/share/man/man8/ifmib_exporter.8
#   Linux:   <prefix>/lib/systemd/system/ifmib_exporter.service, its ExecStart and EnvironmentFile
#            rewritten for the prefix, and the flags file <sysconfdir>/default/ifmib_exporter
#            (sysconfdir is /etc for the prefix /usr, else <prefix>/etc), never overwritten
#   FreeBSD: <prefix>/etc/rc.d/ifmib_exporter
# Paths follow the prefix given at install time too (`cmake --install build --prefix /usr`), and
# DESTDIR is honoured. Included from the top CMakeLists.txt; checked by deploy.install.
include(GNUInstallDirs)

install(FILES ${CMAKE_SOURCE_DIR}/docs/ifmib_exporter.8 DESTINATION ${CMAKE_INSTALL_MANDIR}/man8)

if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
  set(IFMIB_SYSTEMD_UNIT_DIR "lib/systemd/system" CACHE STRING
    "Directory of the installed systemd unit, relative to the install prefix or absolute")
  set(ifmib_unit_src ${CMAKE_SOURCE_DIR}/deploy/systemd/ifmib_exporter.service)
  set(ifmib_flags_src ${CMAKE_SOURCE_DIR}/deploy/systemd/ifmib_exporter.default)
  set(ifmib_unit_out ${CMAKE_BINARY_DIR}/deploy/ifmib_exporter.service)
  # Runs at install time, so that it sees the final prefix. @VAR@ are filled in now, ${VAR} then.
  set(ifmib_install_systemd [==[
    set(ifmib_prefix "${CMAKE_INSTALL_PREFIX}")
    if(ifmib_prefix STREQUAL "/usr")
      set(ifmib_sysconfdir "/etc")
    else()
      set(ifmib_sysconfdir "${ifmib_prefix}/etc")
    endif()
    set(ifmib_unit_dir "@IFMIB_SYSTEMD_UNIT_DIR@")
    if(NOT IS_ABSOLUTE "${ifmib_unit_dir}")
      set(ifmib_unit_dir "${ifmib_prefix}/${ifmib_unit_dir}")
    endif()
    file(READ "@ifmib_unit_src@" ifmib_unit)
    # The binary goes to <prefix>/bin (install(TARGETS ... RUNTIME DESTINATION bin)).
    string(REPLACE "ExecStart=/usr/local/bin/ifmib_exporter " "ExecStart=${ifmib_prefix}/bin/ifmib_exporter "
      ifmib_unit "${ifmib_unit}")
    string(REPLACE "EnvironmentFile=-/etc/default/ifmib_exporter"
      "EnvironmentFile=-${ifmib_sysconfdir}/default/ifmib_exporter" ifmib_unit "${ifmib_unit}")
    file(WRITE "@ifmib_unit_out@" "${ifmib_unit}")
    file(INSTALL DESTINATION "${ifmib_unit_dir}" TYPE FILE FILES "@ifmib_unit_out@")
    if(EXISTS "$ENV{DESTDIR}${ifmib_sysconfdir}/default/ifmib_exporter")
      message(STATUS "Keeping: $ENV{DESTDIR}${ifmib_sysconfdir}/default/ifmib_exporter")
    else()
      file(INSTALL DESTINATION "${ifmib_sysconfdir}/default" TYPE FILE RENAME ifmib_exporter
        FILES "@ifmib_flags_src@")
    endif()
  ]==])
  string(CONFIGURE "${ifmib_install_systemd}" ifmib_install_systemd @ONLY)
  install(CODE "${ifmib_install_systemd}")
elseif(CMAKE_SYSTEM_NAME STREQUAL "FreeBSD")
  set(ifmib_rc_script ${CMAKE_SOURCE_DIR}/deploy/freebsd/rc.d/ifmib_exporter)
  if(EXISTS ${ifmib_rc_script})
    install(PROGRAMS ${ifmib_rc_script} DESTINATION ${CMAKE_INSTALL_SYSCONFDIR}/rc.d)
  else()
    message(WARNING "deploy/freebsd/rc.d/ifmib_exporter is missing: cmake --install will not install an rc.d script")
  endif()
endif()
