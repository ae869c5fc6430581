// SPDX-License-Identifier: MIT
// Double-precision activations and derivatives: the reference the finite-difference tests compare
// the vectorised backward kernels against.
#include "compute/autograd/backward.h"

#include <cmath>

namespace loupe::compute {

namespace {

double sigmoid(double x)
{
    return 1.0 / (1.0 + std::exp(-x));
}

} // namespace

double activationValue(Activation act, double x)
{
    switch (act) {
    case Activation::None:
        return x;
    case Activation::GeluErf:
        return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0)));
    case Activation::GeluTanh: {
        const double c = std::sqrt(2.0 / M_PI);
        return 0.5 * x * (1.0 + std::tanh(c * (x + 0.044715 * x * x * x)));
    }
    case Activation::QuickGelu:
        return x * sigmoid(1.702 * x);
    case Activation::Relu:
        return x > 0 ? x : 0;
    case Activation::Silu:
        return x * sigmoid(x);
    case Activation::Tanh:
        return std::tanh(x);
    case Activation::Sigmoid:
        return sigmoid(x);
    }
    return x;
}

double activationDerivative(Activation act, double x)
{
    switch (act) {
    case Activation::None:
        return 1;
    case Activation::GeluErf:
        return 0.5 * (1.0 + std::erf(x / std::sqrt(2.0))) + x * std::exp(-0.5 * x * x) / std::sqrt(2.0 * M_PI);
    case Activation::GeluTanh: {
        const double c = std::sqrt(2.0 / M_PI);
        const double u = c * (x + 0.044715 * x * x * x), t = std::tanh(u);
        return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * c * (1.0 + 3 * 0.044715 * x * x);
    }
    case Activation::QuickGelu: {
        const double s = sigmoid(1.702 * x);
        return s + x * 1.702 * s * (1.0 - s);
    }
    case Activation::Relu:
        return x > 0 ? 1 : 0;
    case Activation::Silu: {
        const double s = sigmoid(x);
        return s + x * s * (1.0 - s);
    }
    case Activation::Tanh: {
        const double t = std::tanh(x);
        return 1.0 - t * t;
    }
    case Activation::Sigmoid: {
        const double s = sigmoid(x);
        return s * (1.0 - s);
    }
    }
    return 1;
}

} // namespace loupe::compute
