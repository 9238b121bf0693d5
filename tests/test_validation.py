"""Unit tests of every checker in :mod:`optbind.validation`.

For each checker: the values it accepts and the canonical form it returns
(``float``, ``int``, a new ``numpy`` array of the right dtype and shape), and
each rejection with its exception type and a message that names the parameter
(and, for ranges, the allowed range).
"""
from __future__ import annotations

import numpy as np
import pytest

from optbind import validation as v
from optbind.electrodynamics.fields import TweezerField

NAN, INF = float("nan"), float("inf")

#: Every public checker of the module; the last test keeps this list complete.
TESTED = {
    "real_scalar", "real_array", "complex_array", "integer", "integer_array",
    "boolean", "callable_object", "broadcast", "vectors", "unit_vectors",
    "square_matrix", "hermitian_psd", "times", "choice", "known_name",
    "same_length", "permittivity", "random_generator", "field_object",
    "particle_set",
}


def test_every_checker_is_tested():
    assert set(v.__all__) == TESTED


# ---------------------------------------------------------------- real_scalar
@pytest.mark.parametrize("value", [2, 2.0, np.float32(2.0), np.int64(2), np.array(2.0)])
def test_real_scalar_returns_python_float(value):
    out = v.real_scalar(value, "mass", "kg", positive=True)
    assert type(out) is float and out == 2.0


@pytest.mark.parametrize("value, exc, text", [
    (None, TypeError, "mass must be a real number (kg); got None"),
    ("2", TypeError, "mass must be a real number (kg); got '2'"),
    (True, TypeError, "mass must be a real number (kg), not a boolean"),
    (np.bool_(True), TypeError, "not a boolean"),
    (2 + 0j, TypeError, "mass must be real (kg); got a complex value"),
    ([1.0, 2.0], ValueError, "mass must be a scalar (kg); got an array of shape (2,)"),
    (NAN, ValueError, "mass must be finite (kg)"),
    (INF, ValueError, "mass must be finite (kg)"),
    (0.0, ValueError, "mass must be > 0 (kg); got 0.0"),
    (-1.0, ValueError, "mass must be > 0 (kg); got -1.0"),
    (object(), TypeError, "mass must be a real number (kg)"),
])
def test_real_scalar_rejections(value, exc, text):
    with pytest.raises(exc) as info:
        v.real_scalar(value, "mass", "kg", positive=True)
    assert type(info.value) is exc
    assert text in str(info.value)


def test_real_scalar_bounds():
    assert v.real_scalar(0.0, "g", nonnegative=True) == 0.0
    with pytest.raises(ValueError, match=r"g must be >= 0; got -0.1"):
        v.real_scalar(-0.1, "g", nonnegative=True)
    assert v.real_scalar(1.0, "x", minimum=1.0) == 1.0          # inclusive
    with pytest.raises(ValueError, match=r"x must be > 1 \(dimensionless\)"):
        v.real_scalar(1.0, "x", "dimensionless", minimum=1.0, strict_min=True)
    with pytest.raises(ValueError, match=r"x must be > 0 and < 0.5"):
        v.real_scalar(0.5, "x", minimum=0.0, maximum=0.5, strict_min=True,
                      strict_max=True)
    with pytest.raises(ValueError, match=r"x must be <= 2"):
        v.real_scalar(2.5, "x", maximum=2.0)


def test_real_scalar_allow_inf_only_plus_infinity():
    out = v.real_scalar(INF, "kzR", minimum=1.0, strict_min=True, allow_inf=True)
    assert out == INF
    with pytest.raises(ValueError, match="kzR must be finite"):
        v.real_scalar(-INF, "kzR", allow_inf=True)
    with pytest.raises(ValueError, match="kzR must be finite"):
        v.real_scalar(NAN, "kzR", allow_inf=True)


# ----------------------------------------------------------------- real_array
def test_real_array_is_a_new_float_copy():
    src = np.array([1, 2], dtype=np.int32)
    out = v.real_array(src, "masses", "kg", shape=(2,), positive=True)
    assert out.dtype == np.float64 and out.tolist() == [1.0, 2.0]
    out[0] = 5.0
    assert src[0] == 1                                           # not a view
    src_f = np.array([1.0, 2.0])
    assert not np.shares_memory(v.real_array(src_f, "x"), src_f)


def test_real_array_broadcasts_scalars_to_fixed_shapes_only():
    out = v.real_array(3.0, "masses", shape=(2,))
    assert out.shape == (2,) and out.flags.writeable and out.tolist() == [3.0, 3.0]
    with pytest.raises(ValueError, match=r"foci must have shape \(N, 3\); got shape"):
        v.real_array(3.0, "foci", shape=(None, 3))


@pytest.mark.parametrize("value, kw, exc, text", [
    ([1.0, 2.0, 3.0], {"shape": (2,)}, ValueError,
     "masses must have shape (2,); got shape (3,)"),
    (np.ones((2, 2)), {"shape": (None, 3)}, ValueError,
     "masses must have shape (N, 3); got shape (2, 2)"),
    (np.ones(3), {"ndim": 2}, ValueError,
     "masses must be 2-dimensional; got shape (3,)"),
    ([], {}, ValueError, "masses must not be empty"),
    ([1.0, NAN], {}, ValueError, "masses must be finite (kg)"),
    ([1.0, -1.0], {"positive": True}, ValueError, "masses must be > 0 (kg)"),
    ([1.0, 1j], {}, TypeError, "masses must be real (kg)"),
    ([True, False], {}, TypeError, "not a boolean"),
    (["a", "b"], {}, TypeError, "masses must be a real number (kg)"),
    (None, {}, TypeError, "masses must be a real number (kg); got None"),
])
def test_real_array_rejections(value, kw, exc, text):
    with pytest.raises(exc) as info:
        v.real_array(value, "masses", "kg", **kw)
    assert type(info.value) is exc
    assert text in str(info.value)


def test_real_array_empty_allowed_on_request():
    assert v.real_array([], "x", nonempty=False).shape == (0,)


# -------------------------------------------------------------- complex_array
def test_complex_array_canonical_form():
    out = v.complex_array([1, 2j], "amplitudes", "V/m", shape=(2,))
    assert out.dtype == np.complex128 and out.tolist() == [1, 2j]
    assert v.complex_array(1j, "a", shape=(2, 3)).shape == (2, 3)   # scalar broadcast
    src = np.array([1j, 2j])
    assert not np.shares_memory(v.complex_array(src, "a"), src)


@pytest.mark.parametrize("value, kw, exc, text", [
    (None, {}, TypeError, "amplitudes must be numeric (V/m); got None"),
    ("1j", {}, TypeError, "amplitudes must be numeric (V/m)"),
    ([True], {}, TypeError, "amplitudes must be numeric (V/m), not boolean"),
    ([object()], {}, TypeError, "amplitudes must be numeric"),
    (np.ones((2, 2)), {"shape": (2, 3)}, ValueError,
     "amplitudes must have shape (2, 3); got shape (2, 2)"),
    ([1.0, 2.0], {"shape": (3,)}, ValueError, "amplitudes must have shape (3,)"),
    ([], {}, ValueError, "amplitudes must not be empty"),
    ([1.0, complex(NAN, 0.0)], {}, ValueError, "amplitudes must be finite (V/m)"),
    ([complex(0.0, INF)], {}, ValueError, "amplitudes must be finite (V/m)"),
])
def test_complex_array_rejections(value, kw, exc, text):
    with pytest.raises(exc) as info:
        v.complex_array(value, "amplitudes", "V/m", **kw)
    assert type(info.value) is exc
    assert text in str(info.value)


# -------------------------------------------------------------------- integer
@pytest.mark.parametrize("value", [3, np.int64(3), np.uint8(3)])
def test_integer_returns_python_int(value):
    out = v.integer(value, "n_particles", minimum=1)
    assert type(out) is int and out == 3


@pytest.mark.parametrize("value, exc, text", [
    (True, TypeError, "n_particles must be an integer >= 1 and <= 5; got True"),
    (np.bool_(False), TypeError, "n_particles must be an integer"),
    (2.0, TypeError, "n_particles must be an integer >= 1 and <= 5; got 2.0"),
    (2.5, TypeError, "got 2.5"),
    ("3", TypeError, "got '3'"),
    (None, TypeError, "got None"),
    (0, ValueError, "n_particles must be an integer >= 1 and <= 5; got 0"),
    (6, ValueError, "n_particles must be an integer >= 1 and <= 5; got 6"),
])
def test_integer_rejections(value, exc, text):
    with pytest.raises(exc) as info:
        v.integer(value, "n_particles", minimum=1, maximum=5)
    assert type(info.value) is exc
    assert text in str(info.value)


def test_integer_without_bounds():
    assert v.integer(-7, "axis") == -7
    with pytest.raises(ValueError, match=r"axis must be an integer <= 2; got 3"):
        v.integer(3, "axis", maximum=2)


# -------------------------------------------------------------- integer_array
def test_integer_array_canonical_form():
    src = np.array([[0], [2]])
    out = v.integer_array(src, "j", minimum=0)
    assert out.dtype.kind == "i" and out.shape == (2, 1)
    assert not np.shares_memory(out, src)
    assert v.integer_array(3, "j").ndim == 0


@pytest.mark.parametrize("value, exc, text", [
    ([0.0, 1.0], TypeError, "j must be integers (an integer array)"),
    ([True, False], TypeError, "j must be integers"),
    ("0", TypeError, "j must be integers; got '0'"),
    (None, TypeError, "j must be integers; got None"),
    ([0, -1], ValueError, "j must be integers >= 0"),
])
def test_integer_array_rejections(value, exc, text):
    with pytest.raises(exc) as info:
        v.integer_array(value, "j", minimum=0)
    assert type(info.value) is exc
    assert text in str(info.value)


# ----------------------------------------------------- boolean / callable_object
def test_boolean():
    assert v.boolean(np.bool_(True), "printed") is True
    assert v.boolean(False, "printed") is False
    for bad in (1, 0, "yes", None, np.array([True])):
        with pytest.raises(TypeError, match="printed must be True or False"):
            v.boolean(bad, "printed")


def test_callable_object():
    assert v.callable_object(np.sin, "fun") is np.sin
    with pytest.raises(TypeError, match=r"fun must be callable: fun\(x\) -> y; got"):
        v.callable_object("x", "fun", "fun(x) -> y")
    with pytest.raises(TypeError, match=r"^fun must be callable; got None$"):
        v.callable_object(None, "fun")


# ------------------------------------------------------------------ broadcast
def test_broadcast_returns_arrays_of_the_common_shape():
    a, b, c = v.broadcast(d=[1.0, 2.0], phi=0.0, x=np.ones((3, 1)))
    assert a.shape == b.shape == c.shape == (3, 2)


def test_broadcast_names_every_argument_and_shape():
    with pytest.raises(ValueError) as info:
        v.broadcast(d=[1.0, 2.0], phi=[0.0, 1.0, 2.0])
    msg = str(info.value)
    assert msg.startswith("d, phi must broadcast together")
    assert "d (2,)" in msg and "phi (3,)" in msg


# -------------------------------------------------------- vectors/unit_vectors
def test_vectors():
    out = v.vectors([[1, 2, 3]], "r")
    assert out.dtype == np.float64 and out.shape == (1, 3)
    assert v.vectors(np.zeros((2, 4, 3)), "r").shape == (2, 4, 3)
    assert v.vectors([1, 2, 3], "r", shape=(3,)).shape == (3,)


@pytest.mark.parametrize("value, kw, exc, text", [
    (1.0, {}, ValueError,
     "r must have shape (..., 3) (Cartesian vectors); got shape ()"),
    ([1.0, 2.0], {}, ValueError, "r must have shape (..., 3)"),
    ([[1.0, 2.0, 3.0]], {"shape": (3,)}, ValueError, "r must have shape (3,)"),
    (np.zeros((0, 3)), {"shape": (None, 3)}, ValueError, "r must not be empty"),
    ([1.0, NAN, 0.0], {}, ValueError, "r must be finite (m)"),
    ([1.0, 1j, 0.0], {}, TypeError, "r must be real (m)"),
    ("abc", {}, TypeError, "r must be a real number (m)"),
])
def test_vectors_rejections(value, kw, exc, text):
    with pytest.raises(exc) as info:
        v.vectors(value, "r", "m", **kw)
    assert type(info.value) is exc
    assert text in str(info.value)


def test_unit_vectors():
    n = np.array([[0.0, 0.0, 1.0], [0.6, 0.8, 0.0]])
    assert np.array_equal(v.unit_vectors(n, "n"), n)
    assert v.unit_vectors([0.0, 0.0, 1.0 + 5e-10], "n").shape == (3,)   # within atol
    with pytest.raises(ValueError, match=r"unit vectors \(\|n\| = 1 within 1e-09\)"):
        v.unit_vectors([0.0, 0.0, 1.0 + 2e-9], "n")
    with pytest.raises(ValueError, match=r"n must be unit vectors"):
        v.unit_vectors([0.0, 0.0, 0.0], "n")
    with pytest.raises(ValueError, match=r"n must have shape \(\.\.\., 3\)"):
        v.unit_vectors([1.0, 0.0], "n")


# -------------------------------------------------------------- square_matrix
def test_square_matrix():
    out = v.square_matrix([[1, 2], [3, 4]], "C")
    assert out.dtype == np.float64 and out.shape == (2, 2)
    outc = v.square_matrix([[1j, 0], [0, 1]], "D", real=False)
    assert outc.dtype == np.complex128
    assert v.square_matrix(np.eye(3), "C", n=3).shape == (3, 3)


@pytest.mark.parametrize("value, kw, exc, text", [
    (np.ones((2, 3)), {}, ValueError,
     "C must be a square (N, N) matrix; got shape (2, 3)"),
    (np.ones(3), {}, ValueError, "C must be 2-dimensional; got shape (3,)"),
    (np.eye(2), {"n": 3}, ValueError, "C must have shape (3, 3); got shape (2, 2)"),
    (np.eye(2) * 1j, {}, TypeError, "C must be real (N/m)"),
    (np.zeros((0, 0)), {}, ValueError, "C must not be empty"),
    ([[NAN, 0.0], [0.0, 1.0]], {}, ValueError, "C must be finite (N/m)"),
    (np.ones((2, 3)), {"real": False}, ValueError, "C must be a square (N, N) matrix"),
])
def test_square_matrix_rejections(value, kw, exc, text):
    with pytest.raises(exc) as info:
        v.square_matrix(value, "C", "N/m", **kw)
    assert type(info.value) is exc
    assert text in str(info.value)


# -------------------------------------------------------------- hermitian_psd
def test_hermitian_psd_symmetrises_round_off():
    d = np.array([[1.0, 0.5j], [-0.5j + 1e-13, 1.0]])
    out = v.hermitian_psd(d, "D")
    assert np.array_equal(out, out.conj().T)
    assert abs(out[1, 0] - (-0.5j + 0.5e-13)) < 1e-16
    # a singular PSD matrix (eigenvalue 0) is accepted
    assert v.hermitian_psd([[1.0, 1.0], [1.0, 1.0]], "D").shape == (2, 2)


@pytest.mark.parametrize("value, kw, text", [
    ([[1.0, 0.5], [0.4, 1.0]], {}, "D must be Hermitian: D[j, k] == conj(D[k, j])"),
    ([[1.0, 0.5j], [0.5j, 1.0]], {}, "D must be Hermitian"),
    ([[1.0, 0.0], [0.0, -1.0]], {},
     "D must be positive semidefinite; its smallest eigenvalue is -1.000e+00 (N^2 s)"),
    ([[1.0, 2.0], [2.0, 1.0]], {}, "smallest eigenvalue is -1.000e+00"),
    (np.eye(2), {"n": 3}, "D must have shape (3, 3)"),
])
def test_hermitian_psd_rejections(value, kw, text):
    with pytest.raises(ValueError) as info:
        v.hermitian_psd(value, "D", "N^2 s", **kw)
    assert text in str(info.value)


def test_hermitian_psd_tolerances():
    tiny_negative = np.diag([1.0, -1e-12])
    # -1e-12 is above the threshold -rtol * scale * N = -2e-10
    assert v.hermitian_psd(tiny_negative, "D").shape == (2, 2)
    with pytest.raises(ValueError, match="positive semidefinite"):
        v.hermitian_psd(tiny_negative, "D", rtol=1e-14)
    # psd=False checks Hermiticity only
    assert v.hermitian_psd(np.diag([1.0, -1.0]), "S", psd=False)[1, 1] == -1.0


# ---------------------------------------------------------------------- times
def test_times():
    out = v.times([0, 1, 1, 2])
    assert out.dtype == np.float64 and out.tolist() == [0.0, 1.0, 1.0, 2.0]
    assert v.times(0.5).shape == (1,)                                 # scalar -> (1,)
    assert v.times([-1.0, 0.0]).tolist() == [-1.0, 0.0]


@pytest.mark.parametrize("value, kw, text", [
    ([0.0, 2.0, 1.0], {}, "times must be non-decreasing (s)"),
    ([0.0, 1.0, 1.0], {"strictly": True}, "times must be increasing (s)"),
    ([-1.0, 0.0], {"nonnegative": True}, "times must be >= 0 (s)"),
    (np.zeros((2, 2)), {}, "times must be 1-dimensional (s); got shape (2, 2)"),
    ([], {}, "times must not be empty"),
    ([0.0, NAN], {}, "times must be finite (s)"),
])
def test_times_rejections(value, kw, text):
    with pytest.raises(ValueError) as info:
        v.times(value, **kw)
    assert text in str(info.value)


def test_times_wrong_kind():
    with pytest.raises(TypeError, match="times must be real"):
        v.times([0.0, 1j])


# ------------------------------------------------------- choice / known_name
def test_choice():
    assert v.choice("far", "green", ("full", "far")) == "far"
    for bad in ("FAR", None, 1):
        with pytest.raises(ValueError) as info:
            v.choice(bad, "green", ("full", "far"))
        assert str(info.value).startswith("green must be one of ('full', 'far'); got ")


def test_known_name():
    assert v.known_name("b", "name", {"b": 1, "a": 2}) == "b"
    with pytest.raises(KeyError) as info:
        v.known_name("c", "name", {"b": 1, "a": 2}, kind="parameter set")
    assert info.value.args[0] == ("unknown parameter set (name) 'c'; valid names: "
                                  "['a', 'b']")
    with pytest.raises(KeyError) as info:
        v.known_name("c", "erratum", ["a"])
    assert info.value.args[0] == "unknown erratum 'c'; valid names: ['a']"
    with pytest.raises(TypeError, match=r"name must be a string, one of \['a'\]"):
        v.known_name(3, "name", ["a"])


# ---------------------------------------------------------------- same_length
def test_same_length():
    assert v.same_length(2.0, "masses", 3, "kg").tolist() == [2.0, 2.0, 2.0]
    assert v.same_length([1.0, 2.0], "masses", 2).tolist() == [1.0, 2.0]
    with pytest.raises(ValueError, match=r"masses must have shape \(2,\); got"):
        v.same_length([1.0, 2.0, 3.0], "masses", 2, "kg")
    with pytest.raises(ValueError, match=r"masses must be > 0 \(kg\)"):
        v.same_length([1.0, 0.0], "masses", 2, "kg", positive=True)
    with pytest.raises(ValueError, match=r"K must be >= 0"):
        v.same_length(-1.0, "K", 2, nonnegative=True)


# --------------------------------------------------------------- permittivity
def test_permittivity():
    assert v.permittivity(2) == 2.0 and type(v.permittivity(2)) is float
    with pytest.raises(ValueError, match=r"permittivity must be > 1 \(relative"):
        v.permittivity(1.0)
    with pytest.raises(TypeError, match="permittivity must be real"):
        v.permittivity(2.1 + 0.01j)
    with pytest.raises(ValueError, match="eps must be finite"):
        v.permittivity(INF, "eps")


# ----------------------------------------------------------- random_generator
def test_random_generator():
    g = np.random.default_rng(3)
    assert v.random_generator(g) is g                    # default_rng passes it through
    a = v.random_generator(5).standard_normal(3)
    b = v.random_generator(np.int64(5)).standard_normal(3)
    assert np.array_equal(a, b)
    assert isinstance(v.random_generator(None), np.random.Generator)
    for bad in (True, 1.5, "1", np.random.RandomState(0)):
        with pytest.raises(TypeError, match="seed must be an integer >= 0, None or a "
                                            "numpy.random.Generator"):
            v.random_generator(bad)
    with pytest.raises(ValueError, match="seed must be an integer >= 0; got -1"):
        v.random_generator(-1)


# --------------------------------------------------------------- field_object
def test_field_object():
    f = TweezerField([[0.0, 0.0, 0.0]], [[0.0, 1.0, 0.0]], 1e7, 1e-6)
    assert v.field_object(f) is f

    class NoGradient:
        k = 1.0

        def field(self, r):
            return r

    with pytest.raises(TypeError) as info:
        v.field_object(NoGradient(), "laser")
    assert "laser must be a field object" in str(info.value)
    assert "NoGradient lacks gradient" in str(info.value)

    class BadK(NoGradient):
        k = -1.0

        def gradient(self, r):
            return r

    with pytest.raises(ValueError, match=r"field.k must be >= 0 \(1/m\)"):
        v.field_object(BadK())


# --------------------------------------------------------------- particle_set
POS = np.array([[0.0, 0.0, 0.0], [1e-6, 0.0, 0.0]])
VOL = 4e-21


@pytest.mark.parametrize("chi", [0.8, [0.8, 0.8], 0.8 * np.eye(3),
                                 np.stack([0.8 * np.eye(3)] * 2)])
def test_particle_set_canonical_form(chi):
    pos, vol, chi_out = v.particle_set(POS, VOL, chi)
    assert pos.shape == (2, 3) and vol.tolist() == [VOL, VOL]
    assert chi_out.shape == (2, 3, 3) and chi_out.flags.c_contiguous
    assert np.array_equal(chi_out, np.stack([0.8 * np.eye(3)] * 2))


def test_particle_set_batch_and_single_particle():
    pos, vol, chi = v.particle_set(np.stack([POS, POS + 1e-7]), [VOL, 2 * VOL], 0.5)
    assert pos.shape == (2, 2, 3) and vol.shape == (2,) and chi.shape == (2, 3, 3)
    assert v.particle_set([[0.0, 0.0, 0.0]], VOL, 0.5)[0].shape == (1, 3)


@pytest.mark.parametrize("args, kw, exc, text", [
    (([0.0, 0.0, 0.0], VOL, 0.5), {}, ValueError,
     "positions must have shape (N, 3) or (..., N, 3)"),
    ((np.zeros((0, 3)), VOL, 0.5), {}, ValueError,
     "positions must hold at least one particle"),
    ((POS, [VOL] * 3, 0.5), {}, ValueError,
     "volumes must have shape (2,); got shape (3,)"),
    ((POS, -VOL, 0.5), {}, ValueError, "volumes must be > 0 (m^3)"),
    ((POS, VOL, -0.5), {}, ValueError, "chi must be > 0 (dimensionless)"),
    ((POS, VOL, -0.5), {"chi_name": "chi_tilde"}, ValueError,
     "chi_tilde must be > 0 (dimensionless)"),
    ((POS, VOL, np.ones((2, 2))), {}, ValueError,
     "chi must have shape (), (2,), (3, 3) or (2, 3, 3); got (2, 2)"),
    ((POS, VOL, np.triu(np.ones((3, 3)))), {}, ValueError,
     "chi tensors must be symmetric"),
    ((POS, VOL, 0.5 + 0.1j), {}, TypeError, "chi must be real"),
    ((POS, VOL, NAN * np.eye(3)), {}, ValueError, "chi must be finite"),
    (([[0.0, 0.0, 0.0], [1e-7, 0.0, 0.0]], VOL, 0.5), {}, ValueError,
     "positions: particles 0 and 1 overlap"),
])
def test_particle_set_rejections(args, kw, exc, text):
    with pytest.raises(exc) as info:
        v.particle_set(*args, **kw)
    assert type(info.value) is exc
    assert text in str(info.value)


def test_particle_set_overlap_threshold_is_the_sum_of_radii():
    radius = (3.0 * VOL / (4.0 * np.pi)) ** (1.0 / 3.0)
    just_apart = [[0.0, 0.0, 0.0], [2.0 * radius * (1 + 1e-9), 0.0, 0.0]]
    assert v.particle_set(just_apart, VOL, 0.5)[0].shape == (2, 3)
    touching = [[0.0, 0.0, 0.0], [2.0 * radius * (1 - 1e-9), 0.0, 0.0]]
    with pytest.raises(ValueError, match="overlap"):
        v.particle_set(touching, VOL, 0.5)
    assert v.particle_set(touching, VOL, 0.5, check_overlap=False)[0].shape == (2, 3)
