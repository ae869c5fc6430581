// SPDX-License-Identifier: MIT
#pragma once

#include <stdexcept>
#include <string>

namespace loupe::compute {

// The one exception type the engine throws for bad input (files, configs, shapes). Messages name the
// file or object involved and the problem, so they can be shown to a user as they are.
class Error : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
    Error(const std::string& where, const std::string& problem) : std::runtime_error(where + ": " + problem)
    {
    }
};

} // namespace loupe::compute
