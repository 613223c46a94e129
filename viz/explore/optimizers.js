// Keras 3's optimizers and viz's built-in surfaces in JavaScript, for the explorer's click to
// start. Numbers are float64, as viz records surfaces; what Keras keeps in float32 is rounded
// as Keras rounds it: the learning rate (a float32 variable), and what passes through ops.cast
// (SGD's momentum, Adam's and Adamax's betas in their powers, Nadam's and Lion's betas,
// Nadam's 0.96, Adagrad's initial accumulator, AdamW's weight decay). Python numbers in
// Keras' arithmetic (1 - beta_1, rho, epsilon) stay exact. The update rules follow
// keras/src/optimizers/*.py update_step (Keras 3.15).
var VizOptimizers = (function () {
  "use strict";
  var f32 = Math.fround;

  var SURFACES = {  // f(x, y) and its gradient [df/dx, df/dy]
    rosenbrock: [function (x, y) { return Math.pow(1 - x, 2) + 100 * Math.pow(y - x * x, 2); },
                 function (x, y) { return [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)]; }],
    beale: [function (x, y) {
      return Math.pow(1.5 - x + x * y, 2) + Math.pow(2.25 - x + x * y * y, 2) + Math.pow(2.625 - x + x * y * y * y, 2);
    }, function (x, y) {
      var a = 1.5 - x + x * y, b = 2.25 - x + x * y * y, c = 2.625 - x + x * y * y * y;
      return [2 * a * (y - 1) + 2 * b * (y * y - 1) + 2 * c * (y * y * y - 1),
              2 * a * x + 2 * b * 2 * x * y + 2 * c * 3 * x * y * y];
    }],
    himmelblau: [function (x, y) { return Math.pow(x * x + y - 11, 2) + Math.pow(x + y * y - 7, 2); },
                 function (x, y) {
                   var a = x * x + y - 11, b = x + y * y - 7;
                   return [4 * x * a + 2 * b, 2 * a + 4 * y * b];
                 }],
    booth: [function (x, y) { return Math.pow(x + 2 * y - 7, 2) + Math.pow(2 * x + y - 5, 2); },
            function (x, y) {
              var a = x + 2 * y - 7, b = 2 * x + y - 5;
              return [2 * a + 4 * b, 4 * a + 2 * b];
            }],
    matyas: [function (x, y) { return 0.26 * (x * x + y * y) - 0.48 * x * y; },
             function (x, y) { return [0.52 * x - 0.48 * y, 0.52 * y - 0.48 * x]; }],
    saddle: [function (x, y) { return x * x - y * y; }, function (x, y) { return [2 * x, -2 * y]; }],
    monkey_saddle: [function (x, y) { return x * x * x - 3 * x * y * y; },
                    function (x, y) { return [3 * x * x - 3 * y * y, -6 * x * y]; }],
    valley: [function (x, y) { return 0.01 * x * x + y * y; }, function (x, y) { return [0.02 * x, 2 * y]; }],
    rastrigin: [function (x, y) {
      return 20 + x * x - 10 * Math.cos(2 * Math.PI * x) + y * y - 10 * Math.cos(2 * Math.PI * y);
    }, function (x, y) {
      return [2 * x + 20 * Math.PI * Math.sin(2 * Math.PI * x), 2 * y + 20 * Math.PI * Math.sin(2 * Math.PI * y)];
    }],
    ackley: [function (x, y) {
      var r = Math.sqrt(0.5 * (x * x + y * y) + 1e-30);
      return -20 * Math.exp(-0.2 * r) - Math.exp(0.5 * (Math.cos(2 * Math.PI * x) + Math.cos(2 * Math.PI * y))) + Math.E + 20;
    }, function (x, y) {
      var r = Math.sqrt(0.5 * (x * x + y * y) + 1e-30);
      var e1 = 4 * Math.exp(-0.2 * r) / r * 0.5, e2 = Math.exp(0.5 * (Math.cos(2 * Math.PI * x) + Math.cos(2 * Math.PI * y)));
      return [e1 * x + e2 * Math.PI * Math.sin(2 * Math.PI * x), e1 * y + e2 * Math.PI * Math.sin(2 * Math.PI * y)];
    }],
    goldstein_price: [function (x, y) {
      var s = x + y + 1, d = 2 * x - 3 * y;
      var p = 19 - 14 * x + 3 * x * x - 14 * y + 6 * x * y + 3 * y * y;
      var q = 18 - 32 * x + 12 * x * x + 48 * y - 36 * x * y + 27 * y * y;
      return (1 + s * s * p) * (30 + d * d * q);
    }, function (x, y) {
      var s = x + y + 1, d = 2 * x - 3 * y;
      var p = 19 - 14 * x + 3 * x * x - 14 * y + 6 * x * y + 3 * y * y;
      var q = 18 - 32 * x + 12 * x * x + 48 * y - 36 * x * y + 27 * y * y;
      var first = 1 + s * s * p, second = 30 + d * d * q;
      var fx = 2 * s * p + s * s * (-14 + 6 * x + 6 * y), fy = 2 * s * p + s * s * (-14 + 6 * x + 6 * y);
      var gx = 4 * d * q + d * d * (-32 + 24 * x - 36 * y), gy = -6 * d * q + d * d * (48 - 36 * x + 54 * y);
      return [fx * second + first * gx, fy * second + first * gy];
    }],
    six_hump_camel: [function (x, y) {
      return (4 - 2.1 * x * x + Math.pow(x, 4) / 3) * x * x + x * y + (-4 + 4 * y * y) * y * y;
    }, function (x, y) {
      return [8 * x - 8.4 * x * x * x + 2 * Math.pow(x, 5) + y, x - 8 * y + 16 * y * y * y];
    }]
  };

  function option(config, key, otherwise) { return config[key] === undefined || config[key] === null ? otherwise : config[key]; }

  // Each maker returns step(w, g, t): w and g are arrays of 2, t the step (1, 2, ...); w changes in place.
  var MAKERS = {
    SGD: function (c, lr) {
      var momentum = option(c, "momentum", 0), m = [0, 0], beta = f32(momentum);
      return function (w, g) {
        for (var i = 0; i < 2; i++) {
          if (momentum !== 0) {
            m[i] = m[i] * beta - g[i] * lr;
            if (c.nesterov) w[i] += m[i] * beta - g[i] * lr; else w[i] += m[i];
          } else {
            w[i] -= g[i] * lr;
          }
        }
      };
    },
    Adam: function (c, lr) { return adam(c, lr, 0); },
    AdamW: function (c, lr) { return adam(c, lr, f32(option(c, "weight_decay", 0.004))); },
    Adagrad: function (c, lr) {
      var eps = option(c, "epsilon", 1e-7), start = f32(option(c, "initial_accumulator_value", 0.1)), a = [start, start];
      return function (w, g) {
        for (var i = 0; i < 2; i++) {
          a[i] += g[i] * g[i];
          w[i] -= lr * g[i] / Math.sqrt(a[i] + eps);
        }
      };
    },
    RMSprop: function (c, lr) {
      var rho = option(c, "rho", 0.9), momentum = option(c, "momentum", 0), eps = option(c, "epsilon", 1e-7);
      var centered = option(c, "centered", false), v = [0, 0], avg = [0, 0], mom = [0, 0];
      return function (w, g) {
        for (var i = 0; i < 2; i++) {
          v[i] = rho * v[i] + (1 - rho) * (g[i] * g[i]);
          var denominator;
          if (centered) {
            avg[i] = rho * avg[i] + (1 - rho) * g[i];
            denominator = v[i] - avg[i] * avg[i] + eps;
          } else {
            denominator = v[i] + eps;
          }
          var increment = lr * g[i] / Math.sqrt(denominator);
          if (momentum > 0) {
            mom[i] = momentum * mom[i] + increment;
            w[i] -= mom[i];
          } else {
            w[i] -= increment;
          }
        }
      };
    },
    Adamax: function (c, lr) {
      var b1 = option(c, "beta_1", 0.9), b2 = option(c, "beta_2", 0.999), eps = option(c, "epsilon", 1e-7);
      var m = [0, 0], u = [0, 0];
      return function (w, g, t) {
        var power = Math.pow(f32(b1), t);
        for (var i = 0; i < 2; i++) {
          m[i] += (g[i] - m[i]) * (1 - b1);
          u[i] = Math.max(b2 * u[i], Math.abs(g[i]));
          w[i] -= lr * m[i] / ((1 - power) * (u[i] + eps));
        }
      };
    },
    Nadam: function (c, lr) {
      var b1 = option(c, "beta_1", 0.9), b2 = option(c, "beta_2", 0.999), eps = option(c, "epsilon", 1e-7);
      var beta1 = f32(b1), beta2 = f32(b2), decay = f32(0.96), product = 1, m = [0, 0], v = [0, 0];
      return function (w, g, t) {
        product = product * b1 * (1.0 - 0.5 * Math.pow(0.96, t));
        var ut = beta1 * (1.0 - 0.5 * Math.pow(decay, t)), ut1 = beta1 * (1.0 - 0.5 * Math.pow(decay, t + 1));
        var product1 = product * ut1, power2 = Math.pow(beta2, t);
        for (var i = 0; i < 2; i++) {
          m[i] += (g[i] - m[i]) * (1 - beta1);
          v[i] += (g[i] * g[i] - v[i]) * (1 - beta2);
          var mHat = ut1 * m[i] / (1 - product1) + (1 - ut) * g[i] / (1 - product);
          var vHat = v[i] / (1 - power2);
          w[i] -= mHat * lr / (Math.sqrt(vHat) + eps);
        }
      };
    },
    Lion: function (c, lr) {
      var beta1 = f32(option(c, "beta_1", 0.9)), beta2 = f32(option(c, "beta_2", 0.99)), m = [0, 0];
      return function (w, g) {
        for (var i = 0; i < 2; i++) {
          w[i] -= lr * Math.sign(m[i] * beta1 + g[i] * (1.0 - beta1));
          m[i] = m[i] * beta2 + g[i] * (1.0 - beta2);
        }
      };
    }
  };

  function adam(c, lr, decay) {
    var b1 = option(c, "beta_1", 0.9), b2 = option(c, "beta_2", 0.999), eps = option(c, "epsilon", 1e-7);
    var amsgrad = option(c, "amsgrad", false), m = [0, 0], v = [0, 0], vHat = [0, 0];
    return function (w, g, t) {
      if (decay) for (var k = 0; k < 2; k++) w[k] -= w[k] * decay * lr;  // weight decay first, as Keras applies it
      var alpha = lr * Math.sqrt(1 - Math.pow(f32(b2), t)) / (1 - Math.pow(f32(b1), t));
      for (var i = 0; i < 2; i++) {
        m[i] += (g[i] - m[i]) * (1 - b1);
        v[i] += (g[i] * g[i] - v[i]) * (1 - b2);
        var second = v[i];
        if (amsgrad) { vHat[i] = Math.max(vHat[i], v[i]); second = vHat[i]; }
        w[i] -= m[i] * alpha / (Math.sqrt(second) + eps);
      }
    };
  }

  function ported(config) {  // why this optimizer cannot run in the page, or null
    var c = config.config;
    if (!MAKERS[config.class_name]) return config.class_name + " is not ported to the page";
    if (typeof c.learning_rate !== "number") return "a learning-rate schedule is not ported to the page";
    if (c.clipnorm || c.clipvalue || c.global_clipnorm) return "gradient clipping is not ported to the page";
    if (c.weight_decay && config.class_name !== "AdamW") return "weight decay is ported for AdamW only";
    return null;
  }

  function run(surface, configs, start, steps, noise) {
    // Every optimizer of configs from start for steps steps on a built-in surface: per optimizer
    // {xy: [x0, y0, ...], loss, steps}, null from the first non-finite point on (as viz records).
    // noise: random noise of this size times (|g| + 1) added to each gradient component, the
    // size of rounding in a gradient whose terms cancel (tests of chaos), else none.
    var f = SURFACES[surface][0], grad = SURFACES[surface][1];
    return configs.map(function (config) {
      var why = ported(config);
      if (why) throw new Error(why);
      var step = MAKERS[config.class_name](config.config, f32(config.config.learning_rate));
      var w = [start[0], start[1]], xy = [w[0], w[1]], loss = [f(w[0], w[1])], counted = [0], bad = false;
      for (var t = 1; t <= steps; t++) {
        if (!bad) {
          var g = grad(w[0], w[1]);
          if (noise) g = g.map(function (v) { return v + noise * (Math.abs(v) + 1) * (2 * Math.random() - 1); });
          step(w, g, t);
          var value = f(w[0], w[1]);
          bad = !(isFinite(w[0]) && isFinite(w[1]) && isFinite(value));
        }
        xy.push(bad ? null : w[0], bad ? null : w[1]);
        loss.push(bad ? null : value);
        counted.push(t);
      }
      return {xy: xy, loss: loss, steps: counted, diverged: null, left: false};
    });
  }

  return {run: run, surfaces: SURFACES, ported: ported};
})();
if (typeof module !== "undefined") module.exports = VizOptimizers;
