# `cmake --install`: the CLI (bin/tessera), libtessera's layer libraries, its public headers
# (include/tessera/) and a CMake package (lib/cmake/tessera) so that a project can
#   find_package(tessera REQUIRED)
#   target_link_libraries(app PRIVATE tessera::tessera)
# Tested by tests/install_test.sh (ctest: install_consumer).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(TESSERA_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/tessera)

# libtessera is one static library per layer (CMakeLists.txt) and `tessera`, the interface
# target that links them all: every one is installed and exported.
get_property(TESSERA_LAYERS GLOBAL PROPERTY TESSERA_LAYER_TARGETS)
install(TARGETS tessera tessera_base ${TESSERA_LAYERS} EXPORT tesseraTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS tessera_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY include/tessera DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.hpp")
install(EXPORT tesseraTargets NAMESPACE tessera:: DESTINATION ${TESSERA_CMAKE_DIR})

configure_package_config_file(cmake/tesseraConfig.cmake.in ${CMAKE_CURRENT_BINARY_DIR}/tesseraConfig.cmake
                              INSTALL_DESTINATION ${TESSERA_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/tesseraConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/tesseraConfig.cmake ${CMAKE_CURRENT_BINARY_DIR}/tesseraConfigVersion.cmake
        DESTINATION ${TESSERA_CMAKE_DIR})
