# botmon_web_files(OUT_VAR WEB_DIR): the dashboard files to embed, relative to WEB_DIR and sorted:
# everything except npm's files (node_modules/, package*.json), vendor.sh and README.md. Shared by
# module.cmake (for DEPENDS) and embed_web.cmake (for the content), so both see the same list.
function(botmon_web_files out web_dir)
  file(GLOB_RECURSE all LIST_DIRECTORIES false RELATIVE "${web_dir}" "${web_dir}/*")
  set(keep "")
  foreach(rel IN LISTS all)
    if(rel MATCHES "(^|/)node_modules/" OR rel MATCHES "^package(-lock)?\\.json$" OR
       rel STREQUAL "vendor.sh" OR rel STREQUAL "README.md" OR rel MATCHES "(^|/)\\.")
      continue()
    endif()
    list(APPEND keep "${rel}")
  endforeach()
  list(SORT keep)
  set(${out} "${keep}" PARENT_SCOPE)
endfunction()
