# Every file `cmake --install` puts on a system, with N = IFMIB_INSTALL_NAME (ifmib_exporter; a
# distribution may rename, Debian's package uses prometheus-ifmib-exporter):
#   all:     <prefix>/bin/N                              the exporter (target ifmib_exporter)
#            <prefix>/share/man/man8/N.8                 the manual page
#            <prefix>/share/N/                           alerting and recording rules, Grafana dashboard
#   Linux:   <unit dir>/N.service                        the hardened unit, ExecStart and
#                                                        EnvironmentFile rewritten for the prefix
#            <sysconfdir>/default/N                      the flags file, never overwritten
#            (sysconfdir is /etc for the prefix /usr, else <prefix>/etc)
#   FreeBSD: <prefix>/etc/rc.d/N                         the rc.d script, unless
#                                                        IFMIB_INSTALL_RC_SCRIPT is OFF (a port's
#                                                        USE_RC_SUBR installs the same file)
# Paths follow the prefix given at install time too (`cmake --install build --prefix /usr`), and
# DESTDIR is honoured. Included from the top CMakeLists.txt; the FreeBSD port's test includes this
# file into a stand-in project to list what it installs there. Checked by deploy.install,
# deploy.debian_package and deploy.freebsd_port.
include(GNUInstallDirs)
get_filename_component(ifmib_root "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)

set(IFMIB_INSTALL_NAME "ifmib_exporter" CACHE STRING
  "Name of the installed program, manual page, service and flags file, and of its lib/ and share/ directories")
set(ifmib_name "${IFMIB_INSTALL_NAME}")
# The rc.d script of the FreeBSD port is the one source of the rc.d script.
set(IFMIB_RC_SCRIPT_IN "${ifmib_root}/deploy/freebsd/net-mgmt/ifmib_exporter/files/ifmib_exporter.in")

set_target_properties(ifmib_exporter PROPERTIES OUTPUT_NAME "${ifmib_name}")
install(TARGETS ifmib_exporter RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${ifmib_root}/deploy/prometheus/ifmib_exporter_alerts.yml
  ${ifmib_root}/deploy/prometheus/ifmib_exporter_recording.yml
  ${ifmib_root}/deploy/grafana/ifmib_exporter.json
  DESTINATION ${CMAKE_INSTALL_DATADIR}/${ifmib_name})

# The manual page, renamed with the program: its title, NAME and the paths of FILES follow N.
set(ifmib_man_out "${CMAKE_BINARY_DIR}/deploy/${ifmib_name}.8")
file(READ "${ifmib_root}/docs/ifmib_exporter.8" ifmib_man)
if(NOT ifmib_name STREQUAL "ifmib_exporter")
  string(TOUPPER "${ifmib_name}" ifmib_name_upper)
  string(REPLACE ".Dt IFMIB_EXPORTER 8" ".Dt ${ifmib_name_upper} 8" ifmib_man "${ifmib_man}")
  string(REPLACE "\n.Nm ifmib_exporter\n" "\n.Nm ${ifmib_name}\n" ifmib_man "${ifmib_man}")
  string(REPLACE "\nifmib_exporter " "\n${ifmib_name} " ifmib_man "${ifmib_man}")
  string(REPLACE "/default/ifmib_exporter\n" "/default/${ifmib_name}\n" ifmib_man "${ifmib_man}")
  string(REPLACE "/ifmib_exporter.service\n" "/${ifmib_name}.service\n" ifmib_man "${ifmib_man}")
  string(REPLACE "/share/ifmib_exporter/\n" "/share/${ifmib_name}/\n" ifmib_man "${ifmib_man}")
endif()
file(WRITE "${ifmib_man_out}" "${ifmib_man}")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${ifmib_root}/docs/ifmib_exporter.8")
install(FILES "${ifmib_man_out}" DESTINATION ${CMAKE_INSTALL_MANDIR}/man8)

if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
  set(IFMIB_SYSTEMD_UNIT_DIR "lib/systemd/system" CACHE STRING
    "Directory of the installed systemd unit, relative to the install prefix or absolute")
  set(ifmib_unit_src ${ifmib_root}/deploy/systemd/ifmib_exporter.service)
  set(ifmib_flags_src ${ifmib_root}/deploy/systemd/ifmib_exporter.default)
  set(ifmib_unit_out ${CMAKE_BINARY_DIR}/deploy/${ifmib_name}.service)
  set(ifmib_flags_out ${CMAKE_BINARY_DIR}/deploy/${ifmib_name}.default)
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
    file(READ "@ifmib_flags_src@" ifmib_flags)
    string(REPLACE "ExecStart=/usr/local/bin/ifmib_exporter " "ExecStart=${ifmib_prefix}/@CMAKE_INSTALL_BINDIR@/ifmib_exporter "
      ifmib_unit "${ifmib_unit}")
    string(REPLACE "EnvironmentFile=-/etc/default/ifmib_exporter"
      "EnvironmentFile=-${ifmib_sysconfdir}/default/ifmib_exporter" ifmib_unit "${ifmib_unit}")
    # The program's name as a word (not ifmib_exporter_*): binary, flags file, unit, man page.
    if(NOT "@ifmib_name@" STREQUAL "ifmib_exporter")
      foreach(ifmib_var ifmib_unit ifmib_flags)
        string(REGEX REPLACE "([^A-Za-z0-9_])ifmib_exporter([^A-Za-z0-9_])" "\\1@ifmib_name@\\2"
          ${ifmib_var} "${${ifmib_var}}")
      endforeach()
    endif()
    file(WRITE "@ifmib_unit_out@" "${ifmib_unit}")
    file(WRITE "@ifmib_flags_out@" "${ifmib_flags}")
    file(INSTALL DESTINATION "${ifmib_unit_dir}" TYPE FILE FILES "@ifmib_unit_out@")
    if(EXISTS "$ENV{DESTDIR}${ifmib_sysconfdir}/default/@ifmib_name@")
      message(STATUS "Keeping: $ENV{DESTDIR}${ifmib_sysconfdir}/default/@ifmib_name@")
    else()
      file(INSTALL DESTINATION "${ifmib_sysconfdir}/default" TYPE FILE RENAME "@ifmib_name@"
        FILES "@ifmib_flags_out@")
    endif()
  ]==])
  string(CONFIGURE "${ifmib_install_systemd}" ifmib_install_systemd @ONLY)
  install(CODE "${ifmib_install_systemd}")
elseif(CMAKE_SYSTEM_NAME STREQUAL "FreeBSD")
  option(IFMIB_INSTALL_RC_SCRIPT "Install <prefix>/etc/rc.d/<name> (a port's USE_RC_SUBR does it itself)" ON)
  if(IFMIB_INSTALL_RC_SCRIPT)
    # %%PREFIX%% as the ports framework's SUB_LIST fills it in, at install time (final prefix).
    set(ifmib_rc_out ${CMAKE_BINARY_DIR}/deploy/rc.d/${ifmib_name})
    set(ifmib_install_rc [==[
      file(READ "@IFMIB_RC_SCRIPT_IN@" ifmib_rc)
      string(REPLACE "%%PREFIX%%" "${CMAKE_INSTALL_PREFIX}" ifmib_rc "${ifmib_rc}")
      file(WRITE "@ifmib_rc_out@" "${ifmib_rc}")
      file(INSTALL DESTINATION "${CMAKE_INSTALL_PREFIX}/etc/rc.d" TYPE PROGRAM FILES "@ifmib_rc_out@")
    ]==])
    string(CONFIGURE "${ifmib_install_rc}" ifmib_install_rc @ONLY)
    install(CODE "${ifmib_install_rc}")
  endif()
endif()
