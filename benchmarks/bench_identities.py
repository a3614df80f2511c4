"""Published identities an ML researcher uses, each with a plausible false variant, checked as
one-link derivation blocks: how many true ones pass (proved / tested), and that no false one does.

    .venv/bin/python benchmarks/bench_identities.py [--only SUBSTRING] [--time-box 10]

Sources: The Matrix Cookbook (Petersen & Pedersen, 2012; equation numbers in the ids), and the
standard softmax / sigmoid / Gaussian facts of ML texts. None of these is in the test tables.
Prints one line per identity (true verdict, false verdict, seconds) and the totals.
"""

from __future__ import annotations

import argparse
import sys
import time

SIZES = "  k, d: integer >= 1\n"
SQUARE = SIZES + "  A, B, C, X: matrix k x k\n"
VECS = "  a, b, u, v, x, mu, m: vector k\n"
GAUSS = (SIZES + "  A, B: matrix k x k\n  P: matrix d x k\n" + VECS.replace("x, ", "")
         + "  c: real\n  S: matrix k x k posdef\n  g: gaussian vector k (mu, S)\n"
         "  w: gaussian vector k (zeros(k, 1), S)\n  z: gaussian vector k\n")

#: (id, given, lhs, true rhs, false rhs)
IDENTITIES = [
    # traces and transposes
    ("cookbook-16-trace-cyclic-2", SQUARE, "trace(A*B)", "trace(B*A)", "trace(A)*trace(B)"),
    ("cookbook-16-trace-cyclic-3", SQUARE, "trace(A*B*C)", "trace(C*A*B)", "trace(B*A*C)"),
    ("cookbook-13-trace-linear", SQUARE, "trace(A - B)", "trace(A) - trace(B)",
     "trace(A) + trace(B)"),
    ("cookbook-12-trace-transpose", SQUARE, "trace(A.T*B)", "trace(B.T*A)", "trace(A*B)"),
    ("cookbook-quadratic-as-trace", SQUARE + VECS, "x.T*A*x", "trace(A*x*x.T)",
     "trace(A*A.T*x*x.T)"),
    ("cookbook-bilinear-transpose", SQUARE + VECS, "x.T*A*u", "u.T*A.T*x", "u.T*A*x"),
    ("cookbook-transpose-product", SQUARE, "(A*B).T", "B.T*A.T", "A.T*B.T"),
    # determinants
    ("cookbook-18-det-product", SQUARE, "det(A*B)", "det(A)*det(B)", "det(A) + det(B)"),
    ("cookbook-19-det-transpose", SQUARE, "det(A.T)", "det(A)", "-det(A)"),
    ("cookbook-20-det-inverse", SQUARE + "assume:\n  nz: det(A) != 0\n", "det(inv(A))",
     "1/det(A)", "det(A)"),
    ("cookbook-det-scale", SQUARE + "  c: real\n", "det(c*A)", "c**k*det(A)", "c*det(A)"),
    ("cookbook-24-det-lemma", SIZES + VECS, "det(eye(k) + u*v.T)", "1 + v.T*u",
     "1 + v.T*v"),
    # inverses
    ("cookbook-inverse-product", SQUARE + "assume:\n  a: det(A) != 0\n  b: det(B) != 0\n",
     "inv(A*B)", "inv(B)*inv(A)", "inv(A)*inv(B)"),
    ("cookbook-inverse-transpose", SQUARE + "assume:\n  a: det(A) != 0\n", "inv(A.T)",
     "inv(A).T", "inv(A)"),
    ("cookbook-156-woodbury",
     SIZES + "  A: matrix k x k\n  U: matrix k x d\n  C: matrix d x d\n  V: matrix d x k\n"
     "assume:\n  a: det(A) != 0\n  c: det(C) != 0\n  w: det(inv(C) + V*inv(A)*U) != 0\n"
     "  s: det(A + U*C*V) != 0\n",
     "inv(A + U*C*V)", "inv(A) - inv(A)*U*inv(inv(C) + V*inv(A)*U)*V*inv(A)",
     "inv(A) + inv(A)*U*inv(inv(C) + V*inv(A)*U)*V*inv(A)"),
    ("cookbook-160-sherman-morrison",
     SQUARE + VECS + "assume:\n  h1: det(A) != 0\n  h2: 1 + trace(v.T*inv(A)*u) != 0\n"
     "  h3: det(A + u*v.T) != 0\n",
     "inv(A + u*v.T)*(1 + trace(v.T*inv(A)*u))",
     "inv(A)*(1 + trace(v.T*inv(A)*u)) - inv(A)*u*v.T*inv(A)",
     "inv(A)*(1 + trace(v.T*inv(A)*u)) - inv(A)*v*u.T*inv(A)"),
    ("cookbook-167-push-through",
     SIZES + "  P: matrix k x d\n  Q: matrix d x k\nassume:\n  a: det(eye(k) + P*Q) != 0\n"
     "  b: det(eye(d) + Q*P) != 0\n",
     "inv(eye(k) + P*Q)*P", "P*inv(eye(d) + Q*P)", "P*inv(eye(d) + P.T*Q.T)"),
    ("woodbury-split-off-a-term", SQUARE + "assume:\n  s: det(A + B) != 0\n",
     "inv(A + B)*A", "eye(k) - inv(A + B)*B", "eye(k) - B*inv(A + B)"),
    ("sylvester-determinant", SIZES + "  P: matrix k x d\n  Q: matrix d x k\n",
     "det(eye(k) + P*Q)", "det(eye(d) + Q*P)", "det(eye(d) + 2*Q*P)"),
    ("cookbook-determinant-lemma-low-rank",
     SIZES + "  A: matrix k x k\n  U: matrix k x d\n  C: matrix d x d\n  V: matrix d x k\n"
     "assume:\n  a: det(A) != 0\n  c: det(C) != 0\n",
     "det(A + U*C*V)", "det(inv(C) + V*inv(A)*U)*det(C)*det(A)",
     "det(inv(C) + V*inv(A)*U)*det(A)"),
    # derivatives
    ("cookbook-69-linear-form", SIZES + VECS, "diff(a.T*x, x)", "a", "x"),
    ("cookbook-81-quadratic-form", SQUARE + VECS, "diff(x.T*A*x, x)", "(A + A.T)*x",
     "2*A*x"),
    ("cookbook-100-trace-linear", SQUARE, "diff(trace(A*X), X)", "A.T", "A"),
    ("cookbook-103-trace-sandwich", SQUARE, "diff(trace(A*X*B), X)", "A.T*B.T", "B.T*A.T"),
    ("cookbook-104-frobenius", SQUARE, "diff(trace(X.T*X), X)", "2*X", "X"),
    ("cookbook-117-trace-xaxt", SQUARE, "diff(trace(X*A*X.T), X)", "X*A.T + X*A", "2*X*A"),
    ("cookbook-49-det", SQUARE + "assume:\n  nz: det(X) != 0\n", "diff(det(X), X)",
     "det(X)*inv(X).T", "det(X)*inv(X)"),
    ("cookbook-57-log-det", SQUARE + "assume:\n  nz: det(X) != 0\n", "diff(log(det(X)), X)",
     "inv(X).T", "inv(X)"),
    ("cookbook-63-trace-inverse", SQUARE + "assume:\n  nz: det(X) != 0\n",
     "diff(trace(A*inv(X)), X)", "-(inv(X)*A*inv(X)).T", "-inv(X)*A*inv(X)"),
    ("least-squares-gradient", SIZES + "  P: matrix d x k\n  x: vector k\n  y: vector d\n",
     "diff((P*x - y).T*(P*x - y), x)", "2*P.T*(P*x - y)", "2*P.T*P*x - P.T*y"),
    # Gaussian moments (Cookbook section 8.2)
    ("cookbook-318-mean-affine", GAUSS, "E(A*g + a)", "A*mu + a", "A*mu"),
    ("cookbook-322-cross-moment", GAUSS, "E((A*g + a)*(B*g + b).T)",
     "A*S*B.T + (A*mu + a)*(B*mu + b).T", "A*S*B + (A*mu + a)*(B*mu + b).T"),
    ("cookbook-323-inner-moment", GAUSS, "E((A*g + a).T*(B*g + b))",
     "trace(A*S*B.T) + (A*mu + a).T*(B*mu + b)", "trace(A*S*B) + (A*mu + a).T*(B*mu + b)"),
    ("cookbook-325-norm-moment", GAUSS, "E(g.T*g)", "trace(S) + mu.T*mu",
     "trace(S*S) + mu.T*mu"),
    ("cookbook-330-centred-quadratic", GAUSS, "E((g - m).T*A*(g - m))",
     "(mu - m).T*A*(mu - m) + trace(A*S)", "(mu - m).T*A*(mu - m)"),
    ("cookbook-343-fourth-moment", GAUSS, "E(w.T*A*w*w.T*B*w)",
     "trace(A*S)*trace(B*S) + trace(A*S*B*S) + trace(A*S*B.T*S)",
     "trace(A*S)*trace(B*S) + 2*trace(A*S*B*S)"),
    ("variance-of-projection", GAUSS, "Var(a.T*g + c)", "a.T*S*a", "a.T*S*a + c**2"),
    ("covariance-of-projection", GAUSS, "Cov(P*g)", "P*S*P.T", "P*(S + mu*mu.T)*P.T"),
    ("vae-kl-to-standard-normal", GAUSS.replace("  z: gaussian vector k\n",
                                                "  z: gaussian vector k (zeros(k, 1), eye(k))\n"),
     "KL(g, z)", "(trace(S) + mu.T*mu - k - log(det(S)))/2",
     "(trace(S) + mu.T*mu - k + log(det(S)))/2"),
    ("gaussian-entropy", GAUSS, "-E(logpdf(g, g))", "(k*log(2*pi) + log(det(S)) + k)/2",
     "(k*log(2*pi) + log(det(S)))/2"),
    ("gaussian-moment-generating-function", GAUSS, "E(exp(a.T*g))",
     "exp(a.T*mu + a.T*S*a/2)", "exp(a.T*mu)"),
    ("reparameterisation-second-moment", GAUSS, "E((mu + A*z)*(mu + A*z).T)",
     "mu*mu.T + A*A.T", "mu*mu.T + A.T*A"),
    ("standard-normal-quadratic", GAUSS, "E(z.T*A*z)", "trace(A)", "trace(A*A.T)"),
    # norms, powers, Hadamard products, pseudo-inverses
    ("cookbook-norm-of-difference", SIZES + VECS, "norm(a - b)**2",
     "norm(a)**2 - 2*a.T*b + norm(b)**2", "norm(a)**2 + 2*a.T*b + norm(b)**2"),
    ("cookbook-frobenius-as-trace", SIZES + "  P: matrix d x k\n", "norm(P)**2", "trace(P*P.T)",
     "trace(P*P.T)**2"),
    ("ridge-gradient", SIZES + "  P: matrix d x k\n  x: vector k\n  y: vector d\n  lam: real\n",
     "diff(norm(P*x - y)**2 + lam*norm(x)**2, x)", "2*P.T*(P*x - y) + 2*lam*x",
     "2*P.T*(P*x - y) + lam*x"),
    ("cookbook-24-det-lemma-general", SQUARE + VECS + "assume:\n  h: det(A) != 0\n",
     "det(A + u*v.T)", "det(A)*(1 + v.T*inv(A)*u)", "det(A)*(1 + v.T*u)"),
    ("power-exponents-add", SQUARE + "  p, n: integer >= 0\n", "A**p*A**n", "A**(p + n)",
     "A**(p*n)"),
    ("power-transpose", SQUARE + "  n: integer >= 0\n", "(A**n).T", "(A.T)**n", "A**n"),
    ("cookbook-hadamard-trace", SQUARE, "trace(A.T*hadamard(B, C))",
     "trace(hadamard(A, B).T*C)", "trace(hadamard(A, B)*C)"),
    ("cookbook-diag-hadamard", SIZES + VECS, "diag(a)*b", "hadamard(a, b)",
     "a*b.T*ones(k)"),
    ("cookbook-pinv-penrose-1", SIZES + "  P: matrix d x k\n", "P*pinv(P)*P", "P",
     "P*P.T*P"),
    ("cookbook-pinv-gram", SIZES + "  P: matrix d x k\n", "pinv(P)", "pinv(P.T*P)*P.T",
     "inv(P.T*P)*P.T"),
    ("cayley-hamilton-2x2", "  A: matrix 2x2\n", "A**2 - trace(A)*A + det(A)*eye(2)",
     "zeros(2, 2)", "A**2 - trace(A)*A"),
    ("characteristic-polynomial-2x2", "  t: real\n  A: matrix 2x2\n", "det(t*eye(2) - A)",
     "t**2 - trace(A)*t + det(A)", "t**2 + trace(A)*t + det(A)"),
    ("cayley-hamilton-3x3", "  B: matrix 3x3\n",
     "B**3 - trace(B)*B**2 + (trace(B)**2 - trace(B**2))/2*B - det(B)*eye(3)", "zeros(3, 3)",
     "B**3 - trace(B)*B**2 - det(B)*eye(3)"),
    ("eigenvalue-is-a-root", "  t: real\n", "charpoly(Matrix([[2, 1], [1, 2]]), 3)", "0",
     "charpoly(Matrix([[2, 1], [1, 2]]), 2)"),
    ("det-of-matrix-exponential-2x2", "  A: matrix 2x2\n", "det(expm(A))", "exp(trace(A))",
     "exp(det(A))"),
    ("exponential-of-nilpotent", "  a, b, c: real\n",
     "expm(Matrix([[0, a, b], [0, 0, c], [0, 0, 0]]))",
     "Matrix([[1, a, b + a*c/2], [0, 1, c], [0, 0, 1]])",
     "Matrix([[1, a, b + a*c], [0, 1, c], [0, 0, 1]])"),
    ("exponential-of-rotation-generator", "  t: real\n", "expm(Matrix([[0, -t], [t, 0]]))",
     "Matrix([[cos(t), -sin(t)], [sin(t), cos(t)]])",
     "Matrix([[cos(t), sin(t)], [-sin(t), cos(t)]])"),
    # Kronecker products and vec, Jacobians and Hessians
    ("cookbook-520-vec-of-product",
     SIZES + "  m, n: integer >= 1\n  P: matrix m x k\n  X: matrix k x d\n  Q: matrix d x n\n",
     "vec(P*X*Q)", "kron(Q.T, P)*vec(X)", "kron(P, Q.T)*vec(X)"),
    ("cookbook-510-mixed-product", SQUARE + "  D: matrix d x d\n  F: matrix d x d\n",
     "kron(A, D)*kron(B, F)", "kron(A*B, D*F)", "kron(B*A, D*F)"),
    ("cookbook-trace-of-kron", SQUARE + "  D: matrix d x d\n", "trace(kron(A, D))",
     "trace(A)*trace(D)", "trace(A) + trace(D)"),
    ("cookbook-vec-inner-product", SQUARE, "trace(vec(A).T*vec(B))", "trace(A.T*B)",
     "trace(A*B)"),
    ("jacobian-of-affine-map", SIZES + VECS + "  P: matrix d x k\n  y: vector d\n",
     "jacobian(P*x + y, x)", "P", "P*x"),
    ("hessian-of-quadratic-form", SQUARE + VECS, "jacobian(diff(x.T*A*x, x), x)",
     "A + A.T", "2*A"),
    ("hessian-of-least-squares", SIZES + "  P: matrix d x k\n  x: vector k\n  y: vector d\n",
     "jacobian(diff(norm(P*x - y)**2, x), x)", "2*P.T*P", "2*P.T*P + 2*eye(k)"),
    # softmax, sigmoid, log-sum-exp
    ("sigmoid-symmetry", "given:\n  t: real\n".replace("given:\n", ""), "sigmoid(-t)",
     "1 - sigmoid(t)", "-sigmoid(t)"),
    ("sigmoid-derivative", "  t: real\n", "diff(sigmoid(t), t)", "sigmoid(t)*(1 - sigmoid(t))",
     "sigmoid(t)*(1 + sigmoid(t))"),
    ("softplus-derivative", "  t: real\n", "diff(softplus(t), t)", "sigmoid(t)",
     "sigmoid(-t)"),
    ("logsumexp-shift", "  p, q: real\n", "log(exp(p) + exp(q))", "p + log(1 + exp(q - p))",
     "p + log(1 + exp(p - q))"),
    ("softmax-shift-invariance", "  p, q, r, t: real\n", "exp(p)/(exp(p) + exp(q) + exp(r))",
     "exp(p + t)/(exp(p + t) + exp(q + t) + exp(r + t))",
     "exp(p*t)/(exp(p*t) + exp(q*t) + exp(r*t))"),
    ("softmax-derivative", "  p, q: real\n", "diff(exp(p)/(exp(p) + exp(q)), p)",
     "exp(p)*exp(q)/(exp(p) + exp(q))**2", "exp(p)/(exp(p) + exp(q))**2"),
    ("cross-entropy-gradient", "  p, q: real\n", "diff(-log(exp(p)/(exp(p) + exp(q))), p)",
     "exp(p)/(exp(p) + exp(q)) - 1", "1 - exp(p)/(exp(p) + exp(q))"),
]


def block(name: str, given: str, lhs: str, rhs: str) -> str:
    given = given if given.startswith("given:") else "given:\n" + given
    return f"```derivation id={name}\n{given}calc:\n  {lhs}\n  = {rhs}\n```\n"


def check(text: str, time_box: float) -> tuple[str, float]:
    from lemma.derive.language.parse import parse_note
    from lemma.derive.running.check import check_derivation

    start = time.monotonic()
    found, problems = parse_note(text, "bench.md")
    if problems:
        return "error: " + problems[0].message, time.monotonic() - start
    result = check_derivation(found[0], time_box=time_box)
    return result.verdict, time.monotonic() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="run the identities whose id contains this")
    parser.add_argument("--time-box", type=float, default=10.0)
    args = parser.parse_args()
    chosen = [i for i in IDENTITIES if args.only in i[0]]
    tally = {"proved": 0, "tested": 0, "other": 0, "false-passed": 0}
    for name, given, lhs, true_rhs, false_rhs in chosen:
        good, t1 = check(block(name, given, lhs, true_rhs), args.time_box)
        bad, t2 = check(block(name + "-false", given, lhs, false_rhs), args.time_box)
        tally[good if good in ("proved", "tested") else "other"] += 1
        passed = bad in ("proved", "tested")
        tally["false-passed"] += passed
        flag = "  FALSE VARIANT PASSED" if passed else ""
        print(f"{name:36} true: {good:9} {t1:5.1f}s  false: {bad:9} {t2:5.1f}s{flag}")
    total = len(chosen)
    print(f"\n{total} identities: {tally['proved'] + tally['tested']} true ones pass "
          f"({tally['proved']} proved, {tally['tested']} tested), {tally['other']} do not; "
          f"false variants passing: {tally['false-passed']} of {total}")
    return 1 if tally["false-passed"] else 0


if __name__ == "__main__":
    sys.exit(main())
