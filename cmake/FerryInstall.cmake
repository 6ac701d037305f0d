# Installs libferry for programs that embed it (README.md, "Use libferry from
# your program"): the static and the shared library, the public headers, a
# CMake package and ferry.pc. Included at the end of src/CMakeLists.txt.
#
# The package exports two targets:
#   ferry::ferry         the shared library. Its dependencies are its own
#                        (DT_NEEDED): a program links it and nothing else.
#   ferry::ferry_static  the static library, with `find_package(ferry
#                        COMPONENTS static)`: the package then finds the
#                        libraries it needs (cmake/FerryDependencies.cmake),
#                        which the program links too.
# The other flavour than `ferry` (FERRY_SHARED picks it for the build tree) is
# linked from ferry's objects, so nothing is compiled twice.

include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

get_target_property(ferry_dependencies ferry LINK_LIBRARIES)
if(FERRY_SHARED)
  add_library(ferry_static STATIC $<TARGET_OBJECTS:ferry>)
  set(ferry_shared_target ferry)
  set(ferry_static_target ferry_static)
else()
  add_library(ferry_shared SHARED $<TARGET_OBJECTS:ferry>)
  set(ferry_shared_target ferry_shared)
  set(ferry_static_target ferry)
endif()
set(ferry_other_target ${ferry_shared_target})
if(ferry_other_target STREQUAL "ferry")
  set(ferry_other_target ${ferry_static_target})
endif()
target_include_directories(${ferry_other_target} PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>)
target_link_libraries(${ferry_other_target} PRIVATE ${ferry_dependencies})

set(ferry_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/ferry)
set_target_properties(${ferry_shared_target} PROPERTIES OUTPUT_NAME ferry EXPORT_NAME ferry
  VERSION ${PROJECT_VERSION} SOVERSION ${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR})
set_target_properties(${ferry_static_target} PROPERTIES OUTPUT_NAME ferry EXPORT_NAME ferry_static)
# A sanitizer build's library needs the sanitizer runtimes in the program
# that links it (first in the initial library list, for ASan).
set(ferry_consumer_link_flags "")
if(FERRY_SANITIZE)
  set(ferry_consumer_link_flags "-fsanitize=address,undefined")
endif()
foreach(target ${ferry_shared_target} ${ferry_static_target})
  target_include_directories(${target} INTERFACE $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  target_compile_features(${target} INTERFACE cxx_std_20)
  if(FERRY_SANITIZE)
    target_link_options(${target} INTERFACE $<INSTALL_INTERFACE:${ferry_consumer_link_flags}>)
  endif()
endforeach()

install(TARGETS ${ferry_shared_target} EXPORT ferryTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} NAMELINK_COMPONENT Development)
install(TARGETS ${ferry_static_target} EXPORT ferryStaticTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/ferry DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.h")
install(EXPORT ferryTargets NAMESPACE ferry:: DESTINATION ${ferry_cmake_dir})
install(EXPORT ferryStaticTargets NAMESPACE ferry:: DESTINATION ${ferry_cmake_dir})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/ferryConfig.cmake.in
  ${PROJECT_BINARY_DIR}/ferryConfig.cmake INSTALL_DESTINATION ${ferry_cmake_dir})
# 0.x: a new minor version may change the API.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/ferryConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/ferryConfig.cmake ${PROJECT_BINARY_DIR}/ferryConfigVersion.cmake
  ${PROJECT_SOURCE_DIR}/cmake/FerryDependencies.cmake DESTINATION ${ferry_cmake_dir})

# ferry.pc: paths relative to the file itself (${pcfiledir}), so the
# installed tree may be moved, e.g. by `cmake --install build --prefix DIR`.
file(RELATIVE_PATH ferry_pc_to_prefix "/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/")
string(REGEX REPLACE "/$" "" ferry_pc_to_prefix "${ferry_pc_to_prefix}")
configure_file(${PROJECT_SOURCE_DIR}/cmake/ferry.pc.in ${PROJECT_BINARY_DIR}/ferry.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/ferry.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
