# The dashboard: the files under web/, gzipped and embedded into the binary at build time
# (SPEC 10; docs/dashboard.md), served with role none by AddDashboardRoutes().
include(${CMAKE_CURRENT_LIST_DIR}/web_files.cmake)
find_program(BOTMON_GZIP gzip REQUIRED)
set(_web_dir ${PROJECT_SOURCE_DIR}/web)
# web/vendor/ (Preact, htm, uPlot) comes from npm, not from the repository.
if(NOT EXISTS ${_web_dir}/vendor)
  message(FATAL_ERROR "web/vendor/ is missing: run `bash scripts/install-deps.sh build` (it runs "
                      "`npm ci` and `./vendor.sh` in web/), or `make run` / `make test`")
endif()
set(_assets_cc ${CMAKE_CURRENT_BINARY_DIR}/dashboard/dashboard_assets.cc)
botmon_web_files(_web_files ${_web_dir})
list(TRANSFORM _web_files PREPEND ${_web_dir}/ OUTPUT_VARIABLE _web_deps)
# A file added to or removed from web/ changes the glob: re-run the configure step on the next
# build (CONFIGURE_DEPENDS on the same glob botmon_web_files() uses).
file(GLOB_RECURSE _web_glob CONFIGURE_DEPENDS LIST_DIRECTORIES false ${_web_dir}/*.html
     ${_web_dir}/*.css ${_web_dir}/*.js ${_web_dir}/*.mjs ${_web_dir}/*.svg ${_web_dir}/*.png)
add_custom_command(
  OUTPUT ${_assets_cc}
  COMMAND ${CMAKE_COMMAND} -DWEB_DIR=${_web_dir} -DOUT=${_assets_cc} -DGZIP=${BOTMON_GZIP}
          -P ${CMAKE_CURRENT_LIST_DIR}/embed_web.cmake
  DEPENDS ${_web_deps} ${CMAKE_CURRENT_LIST_DIR}/embed_web.cmake
          ${CMAKE_CURRENT_LIST_DIR}/web_files.cmake
  COMMENT "Embedding the dashboard (web/)"
  VERBATIM)

botmon_module(dashboard
  SOURCES dashboard/dashboard.cc ${_assets_cc}
  DEPS botmon_core botmon_http OpenSSL::Crypto)

botmon_test(dashboard_test
  SOURCES dashboard/dashboard_test.cc
  DEPS botmon_dashboard OpenSSL::Crypto)
