// SPDX-License-Identifier: MIT
// An ordinary shared library in a plugin folder.
extern "C" int loupe_test_not_a_plugin()
{
    return 42;
}
