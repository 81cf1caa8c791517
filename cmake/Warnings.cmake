# Warnings are errors in our own code; third-party headers come in as system includes.
# GCC 12 at -O2/-O3 reports false -Wrestrict positives inside libstdc++'s std::string
# concatenation (GCC bug 105329, fixed in GCC 13); they would break Release builds of correct
# code, so that one warning stays a warning-free no-op for GCC.
function(botmon_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Werror)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
endfunction()
