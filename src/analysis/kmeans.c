/*
 * kmeans.c - k-means clustering and the choice of k (see kmeans.h).
 *
 * Role in the pipeline: the "clusters" stage turns each customer's RFM
 * features into a cluster label; later stages name the clusters from their
 * centroids and rank them into tiers. Everything here mirrors scikit-learn 1.2
 * so that our figures can be checked against the design documents:
 *
 * - Standardization: StandardScaler (population sd, ddof = 0; a constant
 *   column by its test `var <= n*eps*var + (n*mean*eps)^2` becomes zeros).
 * - Seeding: greedy k-means++ (Arthur & Vassilvitskii 2007; the greedy variant
 *   is scikit-learn's _kmeans_plusplus): first centre uniform; then for each
 *   next centre draw 2 + floor(ln k) candidates with probability proportional
 *   to D(x)^2, the squared distance to the closest chosen centre, and keep the
 *   candidate that minimises the potential sum_x min(D(x)^2, |x - cand|^2)
 *   (first on ties). Reproduced draw for draw: the randomness is numpy's
 *   legacy RandomState(seed) stream (MT19937, util/mt19937.h; randint(n)
 *   for the first centre, random_sample() * potential for the candidates),
 *   sampling is "cumulative sum, uniform * total, first cumulative sum >=
 *   the draw" (searchsorted side='left', clipped to n-1), distances use
 *   scikit-learn's |c|^2 - 2 c.x + |x|^2 expansion on the centred data with
 *   precomputed norms, and potentials are summed in numpy's pairwise order
 *   (km_numpy_sum). With these, KMeans(n_clusters=k, n_init=10,
 *   random_state=42) on the shared shopping data gives scikit-learn 1.2's
 *   inertias to the last printed digit for k = 2..8 (unit test).
 * - Lloyd iterations (Lloyd 1982): assign every point to its nearest centre
 *   (lowest index on ties), move each centre to the mean of its points. Stop
 *   when no label changed ("strict convergence") or when the sum over centres
 *   of the squared centre shift is <= tol * mean feature variance of the data,
 *   or after max_iter iterations. Without strict convergence a last
 *   assignment makes the labels match the final centres; so does it (our
 *   one departure from scikit-learn, which keeps the stale labels) when
 *   the strictly converged pass had to relocate an empty cluster, which
 *   only happens with duplicate points. Centre update and shift as
 *   scikit-learn: sums times 1/count; the shift is the numpy sum over
 *   centres of the squared Euclidean norms of their moves. Inertia is the
 *   sum of squared distances of the points to their centres.
 * - Empty clusters (scikit-learn's _relocate_empty_clusters_dense): the m
 *   empty clusters take, in increasing cluster order, the m points farthest
 *   from their assigned (old) centre, farthest first, ties to the lowest
 *   point index (numpy's argpartition leaves that order unspecified); each
 *   such point leaves its cluster's sum and becomes the new centre.
 * - Restarts (scikit-learn's KMeans.fit): the data is centred (column means
 *   subtracted) and the n_init initial centre sets are drawn one after the
 *   other from ONE MT19937 stream seeded with the options' seed, on the
 *   calling thread; their Lloyd phases then run in parallel on a small
 *   pthread pool, each into its own result slot; the winner is chosen in
 *   restart order: restart r replaces the best so far when its inertia is
 *   strictly lower and its labelling is not the same clustering up to
 *   renaming (_is_same_clustering). The means are added back to the
 *   centres. Nothing depends on the thread count. This MT stream is the one
 *   exception to "all randomness from sr_rng": it exists to match
 *   scikit-learn's random_state.
 * - Silhouette and Davies-Bouldin: sklearn.metrics definitions (see the
 *   header); distances are computed directly as sqrt(sum (x-y)^2) rather than
 *   through the |x|^2 + |y|^2 - 2xy expansion scikit-learn uses, so ours are
 *   slightly more accurate (differences around 1e-12 relative).
 * - Large data (n > exact_max, default 100,000; kmeans.h): the n_init
 *   restarts, each a full k-means++ seeding plus Lloyd, are what costs (10
 *   restarts x tens of passes over n points for every k). Above exact_max
 *   they run, exactly as above (MT stream seeded with the seed), on a
 *   uniform sample of init_sample points (default 100,000) drawn once per
 *   fit by selection sampling from the xoshiro stream
 *   sr_rng_derive(seed ^ "kmsample", 0), in data order; the winning sample
 *   solution's centres then start a single Lloyd run on all n points, whose
 *   centres, labels and inertia are reported (its stopping rule uses the
 *   variance of all the data). This is the subsample-then-refine scheme of
 *   Bradley & Fayyad, "Refining Initial Points for K-Means Clustering"
 *   (ICML 1998), with one sample, and what scikit-learn's MiniBatchKMeans
 *   does with init_size / n_init (initialisations compared on a random
 *   subset, only the best one run on the data). The sample has the data's
 *   distribution, so with many points per cluster its local optima sit
 *   close to those of the full data and the restarts rank them the same way
 *   (not a guarantee: a cluster of a few hundred points in a million may be
 *   missed by the sample); the full run then only polishes the best one:
 *   on the benchmark's 1M RFM-like points the inertia is within 0.001 % of
 *   the exact method's for k = 2..8 (sometimes lower: the exact runs stop
 *   at the tolerance earlier), the full run stops after 1-2 iterations, and
 *   the stage (k = 2..8) takes ~3 s of CPU instead of ~16 s (idle machine,
 *   2 threads: 1.7 s wall instead of 9.8 s). The full run's assignment passes
 *   are split into fixed chunks of KM_CHUNK points computed on the threads
 *   and reduced in chunk order, so the result is the same bits for any
 *   thread count (not those of the exact method, which is why the
 *   threshold exists: up to exact_max nothing changed).
 *
 * Speed: the time goes into Lloyd passes (assignment fused with the
 * per-cluster sums; ~12-15 ms per pass over 1M points, k = 8, d = 3) and,
 * about a fifth of it, into the seeding passes. The assignment uses plain
 * difference loops, specialised for d == 3: the "precomputed centre norms"
 * expansion |c|^2 - 2 x.c (scikit-learn's form) saves nothing for d = 3 and
 * is less accurate; a branch-free minimum, a padded structure-of-arrays layout
 * of the centres, and Hamerly's bounds (which skip points that provably keep
 * their centre, bit-identical results) were all measured on 1M points and
 * none was faster at d = 3, k <= 8: the bounds bookkeeping costs as much as
 * the eight 3-D distances it saves. Hence the sampled restarts above, which
 * remove ~90 % of the passes instead of making each one cheaper.
 * bench/bench_kmeans.c has the figures.
 */
#include "analysis/kmeans.h"

#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "util/mt19937.h"

#define KM_DEFAULT_THREADS 2
#define KM_MAX_THREADS 64
#define KM_MAX_TRIALS 64 /* 2 + floor(ln k) <= 46 for any size_t k */

/* ---------------------------------------------------------------------- */
/* Small helpers                                                           */
/* ---------------------------------------------------------------------- */

/* Squared Euclidean distance between two d-vectors. */
static inline double km_sqdist(const double *a, const double *b, size_t d)
{
    double s = 0.0;
    for (size_t t = 0; t < d; t++) {
        double diff = a[t] - b[t];
        s += diff * diff;
    }
    return s;
}

/* The same for d == 3, written out so the compiler keeps it in registers. */
static inline double km_sqdist3(const double *a, const double *b)
{
    double d0 = a[0] - b[0], d1 = a[1] - b[1], d2 = a[2] - b[2];
    return d0 * d0 + d1 * d1 + d2 * d2;
}

/* Number of threads to use for a request of `threads` (0 = default). */
static int km_thread_count(int threads)
{
    if (threads <= 0)
        threads = KM_DEFAULT_THREADS;
    return threads > KM_MAX_THREADS ? KM_MAX_THREADS : threads;
}

/* Value of one feature after the transform (log1p clamps negatives to 0). */
static inline double km_transform(double v, kmeans_transform transform)
{
    if (transform == KMEANS_TRANSFORM_LOG1P)
        return log1p(v < 0.0 ? 0.0 : v);
    return v;
}

/* ---------------------------------------------------------------------- */
/* Standardization                                                         */
/* ---------------------------------------------------------------------- */

/*
 * Column by column: mean and population variance of the transformed values
 * (two passes, the second on centred values, which is accurate), then
 * z = (t - mean) / sd. x and z may alias: each element is read before the
 * same element is written, and columns are independent.
 */
sr_status kmeans_standardize(const double *x, size_t n, size_t d, kmeans_transform transform,
                             double *z, double *mean, double *sd, sr_error *err)
{
    if (!x || !z || !mean || !sd || n == 0 || d == 0)
        return sr_error_set(err, SR_EUSAGE, "k-means: standardize needs a non-empty matrix");
    if (transform != KMEANS_TRANSFORM_NONE && transform != KMEANS_TRANSFORM_LOG1P)
        return sr_error_set(err, SR_EUSAGE, "k-means: unknown transform %d", (int)transform);
    for (size_t i = 0; i < n * d; i++) {
        if (!isfinite(x[i]))
            return sr_error_set(err, SR_EDATA,
                                "k-means: feature %zu of point %zu is not a finite number",
                                i % d + 1, i / d + 1);
    }
    for (size_t j = 0; j < d; j++) {
        double sum = 0.0;
        for (size_t i = 0; i < n; i++)
            sum += km_transform(x[i * d + j], transform);
        double m = sum / (double)n;
        double ss = 0.0;
        for (size_t i = 0; i < n; i++) {
            double c = km_transform(x[i * d + j], transform) - m;
            ss += c * c;
        }
        double var = ss / (double)n;
        /* StandardScaler's constant-feature test: the variance is within
         * rounding noise of zero. */
        double bound = (double)n * DBL_EPSILON * var +
                       ((double)n * m * DBL_EPSILON) * ((double)n * m * DBL_EPSILON);
        mean[j] = m;
        if (var <= bound) {
            sd[j] = 0.0;
            for (size_t i = 0; i < n; i++)
                z[i * d + j] = 0.0;
        } else {
            double s = sqrt(var);
            sd[j] = s;
            for (size_t i = 0; i < n; i++)
                z[i * d + j] = (km_transform(x[i * d + j], transform) - m) / s;
        }
    }
    return SR_OK;
}

void kmeans_unstandardize(const double *z, size_t n, size_t d, kmeans_transform transform,
                          const double *mean, const double *sd, double *x)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < d; j++) {
            double v = z[i * d + j] * sd[j] + mean[j];
            x[i * d + j] = transform == KMEANS_TRANSFORM_LOG1P ? expm1(v) : v;
        }
    }
}

/* ---------------------------------------------------------------------- */
/* k-means: shared job and per-worker state                                */
/* ---------------------------------------------------------------------- */

void kmeans_options_init(kmeans_options *opt)
{
    opt->n_init = 10;
    opt->max_iter = 300;
    opt->tol = 1e-4;
    opt->seed = 0;
    opt->threads = 0;
    opt->exact_max = KMEANS_EXACT_MAX;
    opt->init_sample = KMEANS_INIT_SAMPLE;
}

/* What all workers share: the data, the settings, the next restart to run. */
typedef struct {
    const double *x;
    size_t n, d, k;
    int n_init, max_iter;
    double tol_abs; /* tol * mean feature variance */
    const double *inits; /* n_init*k*d: initial centres of each restart */
    /* Result of each restart r (written by the worker that ran it). */
    double *res_centers; /* n_init*k*d */
    int *res_labels;     /* n_init*n */
    double *res_inertia; /* n_init */
    int *res_iter;       /* n_init */
    pthread_mutex_t lock;
    int next; /* next restart index, under lock */
} km_job;

/* One worker's scratch space and its best restart so far. */
typedef struct {
    km_job *job;
    int *labels;       /* n */
    double *centers;   /* k*d */
    double *sums;      /* k*d: per-cluster coordinate sums, then new centres */
    size_t *counts;    /* k */
    size_t *empty;     /* k: empty cluster ids */
    size_t *far_i;     /* k: farthest points (relocation) */
    double *far_d;     /* k */
    struct km_par *par; /* NULL: assignment on this thread; else chunked
                           over a few threads (the full-data refinement) */
} km_worker;

static void km_worker_destroy(km_worker *w)
{
    free(w->labels);
    free(w->centers);
    free(w->sums);
    free(w->counts);
    free(w->empty);
    free(w->far_i);
    free(w->far_d);
    memset(w, 0, sizeof *w);
}

/* Allocates w's buffers for job; returns 0 on success, -1 on OOM (then the
 * caller destroys w, which is safe on a partial worker). */
static int km_worker_init(km_worker *w, km_job *job)
{
    size_t n = job->n, d = job->d, k = job->k;
    memset(w, 0, sizeof *w);
    w->job = job;
    w->labels = malloc(n * sizeof *w->labels);
    w->centers = malloc(k * d * sizeof *w->centers);
    w->sums = malloc(k * d * sizeof *w->sums);
    w->counts = malloc(k * sizeof *w->counts);
    w->empty = malloc(k * sizeof *w->empty);
    w->far_i = malloc(k * sizeof *w->far_i);
    w->far_d = malloc(k * sizeof *w->far_d);
    if (!w->labels || !w->centers || !w->sums || !w->counts || !w->empty || !w->far_i ||
        !w->far_d)
        return -1;
    return 0;
}

/* ---------------------------------------------------------------------- */
/* k-means++ seeding (scikit-learn 1.2's _kmeans_plusplus, numpy's draws)  */
/* ---------------------------------------------------------------------- */

/*
 * Sum of a[0..n-1] in numpy's order (np.sum / np.add.reduce on a contiguous
 * float64 array: 0.0 + pairwise sum): fewer than 8 values are added left to
 * right; up to 128 values go into 8 interleaved partial sums r[0..7]
 * combined as ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7)), then the
 * n % 8 tail is added in order; longer arrays are split at n/2 rounded down
 * to a multiple of 8 and the two halves summed recursively. Reproducing the
 * order matters only because the potentials are compared and scaled by the
 * seeding; the result is as accurate as the plain sum or better.
 */
static double km_numpy_sum(const double *a, size_t n)
{
    if (n < 8) {
        double res = 0.0;
        for (size_t i = 0; i < n; i++)
            res += a[i];
        return res;
    }
    if (n <= 128) {
        double r[8];
        for (size_t j = 0; j < 8; j++)
            r[j] = a[j];
        size_t i;
        for (i = 8; i < n - n % 8; i += 8) {
            for (size_t j = 0; j < 8; j++)
                r[j] += a[i + j];
        }
        double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (; i < n; i++)
            res += a[i];
        return res;
    }
    size_t n2 = n / 2;
    n2 -= n2 % 8;
    return km_numpy_sum(a, n2) + km_numpy_sum(a + n2, n - n2);
}

/* Squared norm of a d-vector, summed left to right from 0 (row_norms). */
static inline double km_sqnorm(const double *a, size_t d)
{
    double s = 0.0;
    for (size_t t = 0; t < d; t++)
        s += a[t] * a[t];
    return s;
}

/*
 * scikit-learn's squared Euclidean distance with precomputed norms, for the
 * seeding: max(0, (-2 c.x + |c|^2) + |x|^2), evaluated in that order (its
 * _euclidean_distances: distances = -2 * X @ Y.T; += XX; += YY; clip at 0).
 * The dot product is summed left to right from 0.
 */
static inline double km_sqd_expand(const double *c, double c_sq, const double *x, double x_sq,
                                   size_t d)
{
    double dot = 0.0;
    for (size_t t = 0; t < d; t++)
        dot += c[t] * x[t];
    double v = -2.0 * dot;
    v += c_sq;
    v += x_sq;
    return v > 0.0 ? v : 0.0;
}

/* First index i with cum[i] >= v (numpy's searchsorted, side='left'; cum
 * non-decreasing), clipped to n-1 as scikit-learn does. */
static size_t km_search_left(const double *cum, size_t n, double v)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cum[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n ? lo : n - 1;
}

/* Scratch space of the seeding: n values each for d2 and cum, and
 * trials * n for the candidates' distance rows. */
typedef struct {
    double *d2;   /* n: closest_dist_sq, squared distance to the closest centre */
    double *cum;  /* n: its cumulative sums */
    double *rows; /* trials*n: min(d2, distance to candidate t) */
    int trials;   /* 2 + floor(ln k), capped at KM_MAX_TRIALS */
} km_seeder;

/*
 * Greedy k-means++ exactly as scikit-learn 1.2's _kmeans_plusplus with
 * sample weights 1, drawing from the numpy legacy stream mt (mt19937.h):
 *   first centre: mt randint(n) (RandomState.randint(n_samples));
 *   closest_dist_sq = distances (km_sqd_expand, x_sq = precomputed norms of
 *     the centred data) to it; current_pot = its numpy sum;
 *   for each further centre: trials values random_sample() * current_pot,
 *     candidates = searchsorted(cumsum(closest_dist_sq), value) (side left,
 *     cumsum left to right), clipped to n-1; for each candidate the row
 *     min(closest_dist_sq, distance to the candidate) and its numpy sum; the
 *     first candidate of smallest sum becomes the centre, its row the new
 *     closest_dist_sq and its sum the new current_pot.
 * Writes the k*d centres to `centers`. Cannot fail.
 */
static void km_seed(const double *x, const double *x_sq, size_t n, size_t d, size_t k,
                    sr_mt19937 *mt, km_seeder *s, double *centers)
{
    double *d2 = s->d2, *cum = s->cum;
    size_t first = (size_t)sr_mt_randint(mt, (uint64_t)n);
    memcpy(centers, x + first * d, d * sizeof *centers);
    double c_sq = km_sqnorm(centers, d);
    for (size_t i = 0; i < n; i++)
        d2[i] = km_sqd_expand(centers, c_sq, x + i * d, x_sq[i], d);
    double pot = km_numpy_sum(d2, n);
    int trials = s->trials;
    for (size_t c = 1; c < k; c++) {
        size_t cand[KM_MAX_TRIALS] = {0};
        double cand_sq[KM_MAX_TRIALS] = {0}, cand_pot[KM_MAX_TRIALS] = {0};
        double acc = 0.0;
        for (size_t i = 0; i < n; i++) {
            acc += d2[i];
            cum[i] = acc;
        }
        for (int t = 0; t < trials; t++)
            cand[t] = km_search_left(cum, n, sr_mt_random_sample(mt) * pot);
        for (int t = 0; t < trials; t++) {
            const double *xc = x + cand[t] * d;
            double *row = s->rows + (size_t)t * n;
            cand_sq[t] = km_sqnorm(xc, d);
            for (size_t i = 0; i < n; i++) {
                double dc = km_sqd_expand(xc, cand_sq[t], x + i * d, x_sq[i], d);
                row[i] = d2[i] < dc ? d2[i] : dc;
            }
            cand_pot[t] = km_numpy_sum(row, n);
        }
        int best = 0;
        for (int t = 1; t < trials; t++) {
            if (cand_pot[t] < cand_pot[best])
                best = t;
        }
        pot = cand_pot[best];
        memcpy(d2, s->rows + (size_t)best * n, n * sizeof *d2);
        memcpy(centers + c * d, x + cand[best] * d, d * sizeof *centers);
    }
}

/* ---------------------------------------------------------------------- */
/* Lloyd iterations                                                        */
/* ---------------------------------------------------------------------- */

/* Nearest centre of point xi among k centres (lowest index on ties); its
 * squared distance in *dist. The d == 3 variant is the hot path. */
static inline size_t km_nearest(const double *xi, const double *centers, size_t k, size_t d,
                                double *dist)
{
    size_t best = 0;
    double bd = km_sqdist(xi, centers, d);
    for (size_t j = 1; j < k; j++) {
        double dj = km_sqdist(xi, centers + j * d, d);
        if (dj < bd) {
            bd = dj;
            best = j;
        }
    }
    *dist = bd;
    return best;
}

static inline size_t km_nearest3(const double *xi, const double *centers, size_t k, double *dist)
{
    size_t best = 0;
    double bd = km_sqdist3(xi, centers);
    for (size_t j = 1; j < k; j++) {
        double dj = km_sqdist3(xi, centers + j * 3);
        if (dj < bd) {
            bd = dj;
            best = j;
        }
    }
    *dist = bd;
    return best;
}

/*
 * Assigns points lo..hi-1 of x to their nearest centre: labels, and, when
 * accumulate, adds each point to its cluster's sums and counts (which the
 * caller zeroed). Returns whether a label changed; *inertia receives the sum
 * of the squared distances, accumulated in point order from 0.
 */
static inline int km_assign_range(const double *x, size_t lo, size_t hi, size_t d, size_t k,
                                  const double *centers, int *labels, double *sums,
                                  size_t *counts, int accumulate, double *inertia)
{
    int changed = 0;
    double in = 0.0;
    if (d == 3) {
        for (size_t i = lo; i < hi; i++) {
            const double *xi = x + i * 3;
            double dist;
            size_t j = km_nearest3(xi, centers, k, &dist);
            in += dist;
            if (labels[i] != (int)j) {
                labels[i] = (int)j;
                changed = 1;
            }
            if (accumulate) {
                double *s = sums + j * 3;
                s[0] += xi[0];
                s[1] += xi[1];
                s[2] += xi[2];
                counts[j]++;
            }
        }
    } else {
        for (size_t i = lo; i < hi; i++) {
            const double *xi = x + i * d;
            double dist;
            size_t j = km_nearest(xi, centers, k, d, &dist);
            in += dist;
            if (labels[i] != (int)j) {
                labels[i] = (int)j;
                changed = 1;
            }
            if (accumulate) {
                double *s = sums + j * d;
                for (size_t t = 0; t < d; t++)
                    s[t] += xi[t];
                counts[j]++;
            }
        }
    }
    *inertia = in;
    return changed;
}

/* ---------------------------------------------------------------------- */
/* Chunked parallel assignment (full-data refinement of the sampled fit)   */
/* ---------------------------------------------------------------------- */

/* Points per chunk. Fixed, so the chunks and therefore every partial sum do
 * not depend on the thread count. */
#define KM_CHUNK 8192

/*
 * One assignment pass split into fixed chunks of KM_CHUNK points. Chunk c
 * writes its own partial sums, counts, inertia and changed flag into slot c;
 * threads take chunks from a shared counter in any order, and the slots are
 * then added up in chunk order on the calling thread. The result is thus the
 * same bits for any thread count (though not the bits of one sequential sum:
 * this path is only used where that is not required).
 */
typedef struct km_par {
    km_worker *w;    /* centres, labels, job (data, n, d, k) */
    int threads;     /* threads per pass, >= 1 */
    int accumulate;  /* this pass also accumulates sums and counts */
    size_t nchunks;
    double *sums;    /* nchunks * k * d */
    size_t *counts;  /* nchunks * k */
    double *inertia; /* nchunks */
    int *changed;    /* nchunks */
    pthread_mutex_t lock;
    size_t next;     /* next chunk, under lock */
} km_par;

/* Takes chunks from the shared counter until none are left. */
static void *km_par_main(void *arg)
{
    km_par *p = arg;
    const km_job *job = p->w->job;
    size_t n = job->n, d = job->d, k = job->k;
    for (;;) {
        pthread_mutex_lock(&p->lock);
        size_t c = p->next < p->nchunks ? p->next++ : p->nchunks;
        pthread_mutex_unlock(&p->lock);
        if (c >= p->nchunks)
            break;
        size_t lo = c * KM_CHUNK, hi = lo + KM_CHUNK < n ? lo + KM_CHUNK : n;
        double *sums = p->sums + c * k * d;
        size_t *counts = p->counts + c * k;
        if (p->accumulate) {
            memset(sums, 0, k * d * sizeof *sums);
            memset(counts, 0, k * sizeof *counts);
        }
        p->changed[c] = km_assign_range(job->x, lo, hi, d, k, p->w->centers, p->w->labels, sums,
                                        counts, p->accumulate, &p->inertia[c]);
    }
    return NULL;
}

/* km_assign for a worker with a km_par: runs the chunks on p->threads
 * threads (the calling thread is one of them; if a thread cannot be created
 * the others do its share, same result) and reduces in chunk order. */
static int km_assign_par(km_worker *w, int accumulate, double *inertia)
{
    km_par *p = w->par;
    size_t d = w->job->d, k = w->job->k, kd = k * d;
    pthread_t tids[KM_MAX_THREADS];
    int started[KM_MAX_THREADS] = {0};
    p->accumulate = accumulate;
    p->next = 0;
    for (int t = 1; t < p->threads; t++)
        started[t] = pthread_create(&tids[t], NULL, km_par_main, p) == 0;
    km_par_main(p);
    for (int t = 1; t < p->threads; t++) {
        if (started[t])
            pthread_join(tids[t], NULL);
    }
    int changed = 0;
    double in = 0.0;
    if (accumulate) {
        memset(w->sums, 0, kd * sizeof *w->sums);
        memset(w->counts, 0, k * sizeof *w->counts);
    }
    for (size_t c = 0; c < p->nchunks; c++) {
        changed |= p->changed[c];
        in += p->inertia[c];
        if (accumulate) {
            for (size_t j = 0; j < kd; j++)
                w->sums[j] += p->sums[c * kd + j];
            for (size_t j = 0; j < k; j++)
                w->counts[j] += p->counts[c * k + j];
        }
    }
    *inertia = in;
    return changed;
}

/*
 * One assignment pass with the current w->centers: labels, per-cluster sums
 * and counts (when accumulate), returns whether any label changed; *inertia
 * receives the sum of the squared distances. Sequential in point order,
 * unless the worker has a km_par.
 */
static int km_assign(km_worker *w, int accumulate, double *inertia)
{
    const km_job *job = w->job;
    if (w->par)
        return km_assign_par(w, accumulate, inertia);
    if (accumulate) {
        memset(w->sums, 0, job->k * job->d * sizeof *w->sums);
        memset(w->counts, 0, job->k * sizeof *w->counts);
    }
    return km_assign_range(job->x, 0, job->n, job->d, job->k, w->centers, w->labels, w->sums,
                           w->counts, accumulate, inertia);
}

/*
 * Gives each empty cluster a point (see the file header), updating the sums
 * and counts of the current iteration. Distances are to the centres the
 * points were just assigned with (w->centers, not yet updated). Returns
 * the number of clusters that received a point.
 */
static size_t km_relocate_empty(km_worker *w)
{
    const km_job *job = w->job;
    const double *x = job->x;
    size_t n = job->n, d = job->d, k = job->k;
    size_t m = 0;
    for (size_t j = 0; j < k; j++) {
        if (w->counts[j] == 0)
            w->empty[m++] = j;
    }
    if (m == 0)
        return 0;
    /* The m farthest points, farthest first, lowest index first on ties:
     * insertion into a short sorted list (m <= k is small). */
    size_t have = 0;
    for (size_t i = 0; i < n; i++) {
        double di = km_sqdist(x + i * d, w->centers + (size_t)w->labels[i] * d, d);
        if (have == m && !(di > w->far_d[m - 1]))
            continue;
        size_t pos = have < m ? have++ : m - 1;
        while (pos > 0 && di > w->far_d[pos - 1]) {
            w->far_d[pos] = w->far_d[pos - 1];
            w->far_i[pos] = w->far_i[pos - 1];
            pos--;
        }
        w->far_d[pos] = di;
        w->far_i[pos] = i;
    }
    for (size_t e = 0; e < m; e++) {
        size_t p = w->far_i[e], to = w->empty[e], from = (size_t)w->labels[p];
        for (size_t t = 0; t < d; t++) {
            w->sums[from * d + t] -= x[p * d + t];
            w->sums[to * d + t] = x[p * d + t];
        }
        w->counts[from]--;
        w->counts[to] = 1;
    }
    return m;
}

/*
 * Lloyd iterations from the seeded w->centers (see the file header); on return
 * w->labels/w->centers hold the result, *inertia its inertia; returns the
 * number of iterations run.
 */
static int km_lloyd(km_worker *w, double *inertia)
{
    const km_job *job = w->job;
    size_t n = job->n, d = job->d, k = job->k;
    int strict = 0, relocated = 0, it;
    double in = 0.0;

    for (size_t i = 0; i < n; i++)
        w->labels[i] = -1;
    for (it = 0; it < job->max_iter; it++) {
        int changed = km_assign(w, 1, &in);
        relocated = km_relocate_empty(w) > 0;
        /* New centres = means, as scikit-learn's _average_centers: sums
         * times 1 / count. Shift as its _center_shift then
         * (center_shift ** 2).sum(): per centre the Euclidean norm of the
         * move, squared, numpy-summed over the centres. */
        for (size_t j = 0; j < k; j++) {
            double alpha = w->counts[j] > 0 ? 1.0 / (double)w->counts[j] : 1.0;
            double ss = 0.0;
            for (size_t t = 0; t < d; t++) {
                double v = w->sums[j * d + t];
                if (w->counts[j] > 0)
                    v *= alpha;
                double diff = v - w->centers[j * d + t];
                ss += diff * diff;
                w->centers[j * d + t] = v;
            }
            double norm = sqrt(ss);
            w->far_d[j] = norm * norm; /* scratch: relocation is done */
        }
        if (!changed) {
            strict = 1;
            break;
        }
        if (km_numpy_sum(w->far_d, k) <= job->tol_abs)
            break;
    }
    int n_iter = it < job->max_iter ? it + 1 : job->max_iter;
    if (strict && !relocated) {
        /* Same labels as the previous pass, hence the same centres: the
         * distances of that pass are the inertia. Recompute to be exact. */
        in = 0.0;
        for (size_t i = 0; i < n; i++)
            in += km_sqdist(job->x + i * d, w->centers + (size_t)w->labels[i] * d, d);
    } else {
        km_assign(w, 0, &in);
    }
    *inertia = in;
    return n_iter;
}

/* Runs restarts taken from the shared counter until none are left: Lloyd
 * from restart r's initial centres, result into slot r of the job's result
 * arrays. Never allocates; cannot fail. */
static void *km_worker_main(void *arg)
{
    km_worker *w = arg;
    km_job *job = w->job;
    size_t n = job->n, kd = job->k * job->d;
    for (;;) {
        pthread_mutex_lock(&job->lock);
        int r = job->next < job->n_init ? job->next++ : -1;
        pthread_mutex_unlock(&job->lock);
        if (r < 0)
            break;
        memcpy(w->centers, job->inits + (size_t)r * kd, kd * sizeof *w->centers);
        double inertia;
        job->res_iter[r] = km_lloyd(w, &inertia);
        job->res_inertia[r] = inertia;
        memcpy(job->res_centers + (size_t)r * kd, w->centers, kd * sizeof *w->centers);
        memcpy(job->res_labels + (size_t)r * n, w->labels, n * sizeof *w->labels);
    }
    return NULL;
}

void kmeans_model_free(kmeans_model *model)
{
    if (!model)
        return;
    free(model->centers);
    free(model->labels);
    free(model);
}

/* tol * the mean over features of the population variance of x: the
 * absolute bound on the centre shift (scikit-learn's _tolerance:
 * np.mean(np.var(X, axis=0)) * tol, two-pass variances summed down the
 * rows, on the data as given, before centring). */
static double km_tol_abs(const double *x, size_t n, size_t d, double tol)
{
    double var_sum = 0.0;
    for (size_t j = 0; j < d; j++) {
        double s = 0.0, ss = 0.0;
        for (size_t i = 0; i < n; i++)
            s += x[i * d + j];
        double m = s / (double)n;
        for (size_t i = 0; i < n; i++) {
            double c = x[i * d + j] - m;
            ss += c * c;
        }
        var_sum += ss / (double)n;
    }
    return var_sum / (double)d * tol;
}

/* scikit-learn's _is_same_clustering: whether a labelling a maps
 * consistently onto b (every cluster of a lies inside one cluster of b).
 * map is k scratch ints. */
static int km_same_clustering(const int *a, const int *b, size_t n, size_t k, int *map)
{
    for (size_t j = 0; j < k; j++)
        map[j] = -1;
    for (size_t i = 0; i < n; i++) {
        if (map[a[i]] == -1)
            map[a[i]] = b[i];
        else if (map[a[i]] != b[i])
            return 0;
    }
    return 1;
}

/*
 * The exact method on x (arguments already validated), as scikit-learn 1.2's
 * KMeans.fit with random_state = opt->seed:
 * 1. centre the data (xc = x - column means, means summed down the rows,
 *    as X -= X.mean(axis=0)) and precompute the squared row norms of xc;
 * 2. draw the n_init initial centre sets one after the other from ONE
 *    numpy-legacy MT19937 stream seeded with opt->seed (sklearn calls
 *    _kmeans_plusplus n_init times with the same RandomState); this is
 *    sequential and costs a few passes per centre;
 * 3. run the n_init Lloyd phases on the worker threads (one worker per
 *    thread, all memory allocated before any thread starts; a thread that
 *    cannot be created leaves its share to the others), each into its own
 *    result slot;
 * 4. pick the winner in restart order with sklearn's rule: restart r
 *    replaces the best so far when its inertia is strictly lower AND its
 *    labelling is not the same clustering (up to renaming) as the best's;
 *    centres are shifted back by the means. Inertia is that of xc.
 * Memory: xc and the n_init labelings (n_init * n ints) besides the workers.
 * The result does not depend on the thread count.
 */
static sr_status km_fit_restarts(const double *x, size_t n, size_t d, size_t k,
                                 const kmeans_options *opt, kmeans_model **out, sr_error *err)
{
    km_job job;
    memset(&job, 0, sizeof job);
    size_t kd = k * d, ni = (size_t)opt->n_init;
    int nt = km_thread_count(opt->threads);
    if (nt > opt->n_init)
        nt = opt->n_init;
    sr_status st = SR_OK;
    kmeans_model *model = NULL;
    km_seeder seeder;
    memset(&seeder, 0, sizeof seeder);
    seeder.trials = 2 + (int)floor(log((double)k));
    if (seeder.trials > KM_MAX_TRIALS)
        seeder.trials = KM_MAX_TRIALS;
    int lock_ok = pthread_mutex_init(&job.lock, NULL) == 0;
    double *xc = malloc(n * d * sizeof *xc), *x_sq = malloc(n * sizeof *x_sq);
    double *mean = calloc(d, sizeof *mean), *inits = malloc(ni * kd * sizeof *inits);
    int *map = malloc(k * sizeof *map);
    seeder.d2 = malloc(n * sizeof *seeder.d2);
    seeder.cum = malloc(n * sizeof *seeder.cum);
    seeder.rows = malloc((size_t)seeder.trials * n * sizeof *seeder.rows);
    job.res_centers = malloc(ni * kd * sizeof *job.res_centers);
    job.res_labels = ni <= SIZE_MAX / sizeof(int) / n ? malloc(ni * n * sizeof(int)) : NULL;
    job.res_inertia = malloc(ni * sizeof *job.res_inertia);
    job.res_iter = malloc(ni * sizeof *job.res_iter);
    km_worker *workers = calloc((size_t)nt, sizeof *workers);
    pthread_t *tids = calloc((size_t)nt, sizeof *tids);
    int *started = calloc((size_t)nt, sizeof *started);
    if (!lock_ok || !xc || !x_sq || !mean || !inits || !map || !seeder.d2 || !seeder.cum ||
        !seeder.rows || !job.res_centers || !job.res_labels || !job.res_inertia ||
        !job.res_iter || !workers || !tids || !started)
        goto oom;

    /* 1. Centring and norms. */
    for (size_t i = 0; i < n; i++) {
        for (size_t t = 0; t < d; t++)
            mean[t] += x[i * d + t];
    }
    for (size_t t = 0; t < d; t++)
        mean[t] /= (double)n;
    for (size_t i = 0; i < n; i++) {
        for (size_t t = 0; t < d; t++)
            xc[i * d + t] = x[i * d + t] - mean[t];
        x_sq[i] = km_sqnorm(xc + i * d, d);
    }
    job.x = xc;
    job.n = n;
    job.d = d;
    job.k = k;
    job.n_init = opt->n_init;
    job.max_iter = opt->max_iter;
    job.tol_abs = km_tol_abs(x, n, d, opt->tol);
    job.inits = inits;

    /* 2. All initial centres from one stream. */
    sr_mt19937 mt;
    sr_mt_seed(&mt, opt->seed);
    for (size_t r = 0; r < ni; r++)
        km_seed(xc, x_sq, n, d, k, &mt, &seeder, inits + r * kd);

    /* 3. Lloyd phases on the threads. */
    for (int t = 0; t < nt; t++) {
        if (km_worker_init(&workers[t], &job) != 0)
            goto oom;
    }
    for (int t = 1; t < nt; t++)
        started[t] = pthread_create(&tids[t], NULL, km_worker_main, &workers[t]) == 0;
    km_worker_main(&workers[0]);
    for (int t = 1; t < nt; t++) {
        if (started[t])
            pthread_join(tids[t], NULL);
    }

    /* 4. The winner, in restart order. */
    size_t win = 0;
    for (size_t r = 1; r < ni; r++) {
        if (job.res_inertia[r] < job.res_inertia[win] &&
            !km_same_clustering(job.res_labels + r * n, job.res_labels + win * n, n, k, map))
            win = r;
    }
    model = calloc(1, sizeof *model);
    if (!model)
        goto oom;
    model->centers = malloc(kd * sizeof *model->centers);
    model->labels = malloc(n * sizeof *model->labels);
    if (!model->centers || !model->labels)
        goto oom;
    model->k = k;
    model->d = d;
    model->n = n;
    model->inertia = job.res_inertia[win];
    model->n_iter = job.res_iter[win];
    model->best_init = (int)win;
    for (size_t j = 0; j < kd; j++)
        model->centers[j] = job.res_centers[win * kd + j] + mean[j % d];
    memcpy(model->labels, job.res_labels + win * n, n * sizeof *model->labels);
    *out = model;
    model = NULL;
    goto done;

oom:
    st = sr_error_set(err, SR_ENOMEM, "k-means: out of memory (n=%zu, k=%zu)", n, k);
done:
    kmeans_model_free(model);
    if (workers) {
        for (int t = 0; t < nt; t++)
            km_worker_destroy(&workers[t]);
    }
    free(workers);
    free(tids);
    free(started);
    free(xc);
    free(x_sq);
    free(mean);
    free(inits);
    free(map);
    free(seeder.d2);
    free(seeder.cum);
    free(seeder.rows);
    free(job.res_centers);
    free(job.res_labels);
    free(job.res_inertia);
    free(job.res_iter);
    if (lock_ok)
        pthread_mutex_destroy(&job.lock);
    return st;
}

/* Stream index mixed into the seed of the restart sample ("kmsample"). */
#define KM_SAMPLE_STREAM UINT64_C(0x6b6d73616d706c65)

/*
 * Copies a uniform random sample of m of the n rows of x (m <= n) into xs
 * (m*d), keeping the data order: selection sampling (Knuth, TAOCP vol. 2,
 * 3.4.2, Algorithm S): row i is taken with probability (still needed) /
 * (rows left), drawn exactly as sr_rng_below(rows left) < still needed, so
 * every m-subset is equally likely and exactly m rows are taken.
 */
static void km_sample_rows(const double *x, size_t n, size_t d, size_t m, sr_rng *rng,
                           double *xs)
{
    size_t taken = 0;
    for (size_t i = 0; i < n && taken < m; i++) {
        if (sr_rng_below(rng, (uint64_t)(n - i)) < (uint64_t)(m - taken)) {
            memcpy(xs + taken * d, x + i * d, d * sizeof *xs);
            taken++;
        }
    }
}

/*
 * The sampled fit of large data (see the file header): restarts on a sample,
 * then Lloyd on all points from the best sample centres with the assignment
 * passes chunked over the threads. Memory: the sample (m*d doubles) and the
 * restart workers' buffers of m points, then the labels of the n points and
 * per-chunk partial sums (n / KM_CHUNK * k * (d + 1) values).
 */
static sr_status km_fit_sampled(const double *x, size_t n, size_t d, size_t k,
                                const kmeans_options *opt, kmeans_model **out, sr_error *err)
{
    size_t m = opt->init_sample;
    sr_status st = SR_OK;
    kmeans_model *sm = NULL, *model = NULL;
    km_worker w;
    km_par par;
    km_job job;
    int lock_ok = 0;
    memset(&w, 0, sizeof w);
    memset(&par, 0, sizeof par);
    memset(&job, 0, sizeof job);

    double *xs = malloc(m * d * sizeof *xs);
    if (!xs)
        goto oom;
    sr_rng rng;
    sr_rng_seed(&rng, sr_rng_derive(opt->seed ^ KM_SAMPLE_STREAM, 0));
    km_sample_rows(x, n, d, m, &rng, xs);
    st = km_fit_restarts(xs, m, d, k, opt, &sm, err);
    free(xs);
    xs = NULL;
    if (st != SR_OK)
        goto done;

    /* Lloyd on all points from the sample winner's centres. */
    job.x = x;
    job.n = n;
    job.d = d;
    job.k = k;
    job.n_init = 1;
    job.max_iter = opt->max_iter;
    job.tol_abs = km_tol_abs(x, n, d, opt->tol);
    w.job = &job;
    w.labels = malloc(n * sizeof *w.labels);
    w.centers = sm->centers; /* taken over from the sample model */
    sm->centers = NULL;
    w.sums = malloc(k * d * sizeof *w.sums);
    w.counts = malloc(k * sizeof *w.counts);
    w.empty = malloc(k * sizeof *w.empty);
    w.far_i = malloc(k * sizeof *w.far_i);
    w.far_d = malloc(k * sizeof *w.far_d);
    par.w = &w;
    par.nchunks = (n + KM_CHUNK - 1) / KM_CHUNK;
    par.threads = km_thread_count(opt->threads);
    if ((size_t)par.threads > par.nchunks)
        par.threads = (int)par.nchunks;
    par.sums = malloc(par.nchunks * k * d * sizeof *par.sums);
    par.counts = malloc(par.nchunks * k * sizeof *par.counts);
    par.inertia = malloc(par.nchunks * sizeof *par.inertia);
    par.changed = malloc(par.nchunks * sizeof *par.changed);
    if (!w.labels || !w.sums || !w.counts || !w.empty || !w.far_i || !w.far_d || !par.sums ||
        !par.counts || !par.inertia || !par.changed)
        goto oom;
    if (pthread_mutex_init(&par.lock, NULL) != 0)
        goto oom;
    lock_ok = 1;
    w.par = &par;
    double inertia;
    int n_iter = km_lloyd(&w, &inertia);

    model = calloc(1, sizeof *model);
    if (!model)
        goto oom;
    model->k = k;
    model->d = d;
    model->n = n;
    model->inertia = inertia;
    model->n_iter = n_iter;
    model->best_init = sm->best_init;
    model->sample_n = m;
    model->labels = w.labels;
    w.labels = NULL;
    model->centers = w.centers;
    w.centers = NULL;
    *out = model;
    goto done;

oom:
    st = sr_error_set(err, SR_ENOMEM, "k-means: out of memory (n=%zu, k=%zu)", n, k);
done:
    if (lock_ok)
        pthread_mutex_destroy(&par.lock);
    free(par.sums);
    free(par.counts);
    free(par.inertia);
    free(par.changed);
    km_worker_destroy(&w);
    kmeans_model_free(sm);
    free(xs);
    return st;
}

/*
 * Validates the arguments and runs the exact method, or the sampled one for
 * large n (kmeans.h).
 */
sr_status kmeans_fit(const double *x, size_t n, size_t d, size_t k, const kmeans_options *opt,
                     kmeans_model **out, sr_error *err)
{
    kmeans_options defaults;
    if (!out)
        return sr_error_set(err, SR_EUSAGE, "k-means: no output pointer");
    *out = NULL;
    if (!opt) {
        kmeans_options_init(&defaults);
        opt = &defaults;
    }
    if (!x || d == 0 || k == 0 || opt->n_init < 1 || opt->max_iter < 1 || opt->threads < 0 ||
        !(opt->tol >= 0.0) || k > (size_t)INT32_MAX)
        return sr_error_set(err, SR_EUSAGE, "k-means: invalid arguments (k=%zu, d=%zu)", k, d);
    if (n < k)
        return sr_error_set(err, SR_EDATA,
                            "k-means: %zu points cannot form %zu clusters", n, k);
    if (n > opt->exact_max && opt->init_sample >= k && opt->init_sample < n)
        return km_fit_sampled(x, n, d, k, opt, out, err);
    return km_fit_restarts(x, n, d, k, opt, out, err);
}

/* ---------------------------------------------------------------------- */
/* Silhouette                                                              */
/* ---------------------------------------------------------------------- */

/* Points regrouped by cluster: cluster c's points are rows start[c] ..
 * start[c] + cnt[c] - 1 of xs, so each per-cluster distance sum is a tight
 * loop over contiguous memory. */
typedef struct {
    const double *xs; /* m*d */
    const int *lab;   /* m: cluster of each row of xs */
    const size_t *start, *cnt;
    size_t m, d, k;
    double *s; /* m: silhouette of each row */
    pthread_mutex_t lock;
    size_t next; /* next row block, under lock */
} sil_job;

#define SIL_BLOCK 32

/* Sum of Euclidean distances from p to rows [lo, hi) of xs. Two accumulators
 * (even/odd rows) shorten the dependency chain; the order is fixed, so the
 * result does not depend on threads. */
static double sil_sum(const double *p, const double *xs, size_t lo, size_t hi, size_t d)
{
    double a0 = 0.0, a1 = 0.0;
    size_t j = lo;
    if (d == 3) {
        for (; j + 1 < hi; j += 2) {
            a0 += sqrt(km_sqdist3(p, xs + j * 3));
            a1 += sqrt(km_sqdist3(p, xs + (j + 1) * 3));
        }
        if (j < hi)
            a0 += sqrt(km_sqdist3(p, xs + j * 3));
    } else {
        for (; j + 1 < hi; j += 2) {
            a0 += sqrt(km_sqdist(p, xs + j * d, d));
            a1 += sqrt(km_sqdist(p, xs + (j + 1) * d, d));
        }
        if (j < hi)
            a0 += sqrt(km_sqdist(p, xs + j * d, d));
    }
    return a0 + a1;
}

/* Computes s for blocks of rows taken from the shared counter. */
static void *sil_worker(void *arg)
{
    sil_job *job = arg;
    size_t d = job->d;
    for (;;) {
        pthread_mutex_lock(&job->lock);
        size_t lo = job->next;
        if (lo < job->m)
            job->next += SIL_BLOCK;
        pthread_mutex_unlock(&job->lock);
        if (lo >= job->m)
            break;
        size_t hi = lo + SIL_BLOCK < job->m ? lo + SIL_BLOCK : job->m;
        for (size_t i = lo; i < hi; i++) {
            const double *p = job->xs + i * d;
            size_t own = (size_t)job->lab[i];
            if (job->cnt[own] <= 1) {
                job->s[i] = 0.0; /* singleton cluster */
                continue;
            }
            double a = 0.0, b = INFINITY;
            for (size_t c = 0; c < job->k; c++) {
                if (job->cnt[c] == 0)
                    continue;
                double sum = sil_sum(p, job->xs, job->start[c], job->start[c] + job->cnt[c], d);
                if (c == own)
                    a = sum / (double)(job->cnt[c] - 1);
                else if (sum / (double)job->cnt[c] < b)
                    b = sum / (double)job->cnt[c];
            }
            double mx = a > b ? a : b;
            job->s[i] = mx > 0.0 ? (b - a) / mx : 0.0;
        }
    }
    return NULL;
}

/*
 * Draws the sample (partial Fisher-Yates: the first m entries of a random
 * permutation, as numpy's permutation(n)[:m]), regroups the points by cluster
 * (stable counting sort), computes every point's s on the thread pool and
 * averages them in the regrouped order.
 */
sr_status kmeans_silhouette(const double *x, size_t n, size_t d, const int *labels, size_t k,
                            size_t sample_size, sr_rng *rng, int threads, double *out,
                            sr_error *err)
{
    if (!x || !labels || !out || d == 0 || k == 0 || threads < 0)
        return sr_error_set(err, SR_EUSAGE, "silhouette: invalid arguments");
    for (size_t i = 0; i < n; i++) {
        if (labels[i] < 0 || (size_t)labels[i] >= k)
            return sr_error_set(err, SR_EUSAGE, "silhouette: label %d of point %zu out of range",
                                labels[i], i + 1);
    }
    int sampled = sample_size > 0 && sample_size < n;
    if (sampled && !rng)
        return sr_error_set(err, SR_EUSAGE, "silhouette: sampling needs a random generator");
    size_t m = sampled ? sample_size : n;

    sr_status st = SR_OK;
    size_t *idx = NULL, *start = calloc(k, sizeof *start), *cnt = calloc(k, sizeof *cnt);
    double *xs = malloc((m ? m : 1) * d * sizeof *xs), *s = malloc((m ? m : 1) * sizeof *s);
    int *lab = malloc((m ? m : 1) * sizeof *lab);
    if (!start || !cnt || !xs || !s || !lab)
        goto oom;
    if (sampled) {
        idx = malloc(n * sizeof *idx);
        if (!idx)
            goto oom;
        for (size_t i = 0; i < n; i++)
            idx[i] = i;
        for (size_t i = 0; i < m; i++) {
            size_t j = i + (size_t)sr_rng_below(rng, (uint64_t)(n - i));
            size_t t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
    }
    for (size_t i = 0; i < m; i++)
        cnt[labels[sampled ? idx[i] : i]]++;
    size_t present = 0, pos = 0;
    for (size_t c = 0; c < k; c++) {
        start[c] = pos;
        pos += cnt[c];
        present += cnt[c] > 0;
    }
    if (present < 2 || present > m - 1) {
        st = sr_error_set(err, SR_EDATA,
                          "silhouette: needs 2 to %zu clusters among %zu points, got %zu",
                          m > 0 ? m - 1 : 0, m, present);
        goto done;
    }
    {
        size_t *next = malloc(k * sizeof *next); /* next free row per cluster */
        if (!next)
            goto oom;
        memcpy(next, start, k * sizeof *next);
        for (size_t i = 0; i < m; i++) {
            size_t src = sampled ? idx[i] : i;
            size_t c = (size_t)labels[src];
            size_t dst = next[c]++;
            memcpy(xs + dst * d, x + src * d, d * sizeof *xs);
            lab[dst] = (int)c;
        }
        free(next);
    }

    sil_job job;
    memset(&job, 0, sizeof job);
    job.xs = xs;
    job.lab = lab;
    job.start = start;
    job.cnt = cnt;
    job.m = m;
    job.d = d;
    job.k = k;
    job.s = s;
    if (pthread_mutex_init(&job.lock, NULL) != 0)
        goto oom;
    int nt = km_thread_count(threads);
    pthread_t tids[KM_MAX_THREADS];
    int started[KM_MAX_THREADS] = {0};
    for (int t = 1; t < nt; t++)
        started[t] = pthread_create(&tids[t], NULL, sil_worker, &job) == 0;
    sil_worker(&job);
    for (int t = 1; t < nt; t++) {
        if (started[t])
            pthread_join(tids[t], NULL);
    }
    pthread_mutex_destroy(&job.lock);
    double total = 0.0;
    for (size_t i = 0; i < m; i++)
        total += s[i];
    *out = total / (double)m;
    goto done;

oom:
    st = sr_error_set(err, SR_ENOMEM, "silhouette: out of memory (%zu points)", m);
done:
    free(idx);
    free(start);
    free(cnt);
    free(xs);
    free(s);
    free(lab);
    return st;
}

/* ---------------------------------------------------------------------- */
/* Davies-Bouldin                                                          */
/* ---------------------------------------------------------------------- */

/*
 * Centroids and mean distances to them in two passes over the data, then the
 * pairwise ratios over present clusters only (labels are re-encoded as
 * scikit-learn's LabelEncoder does).
 */
sr_status kmeans_davies_bouldin(const double *x, size_t n, size_t d, const int *labels, size_t k,
                                double *out, sr_error *err)
{
    if (!x || !labels || !out || d == 0 || k == 0)
        return sr_error_set(err, SR_EUSAGE, "Davies-Bouldin: invalid arguments");
    for (size_t i = 0; i < n; i++) {
        if (labels[i] < 0 || (size_t)labels[i] >= k)
            return sr_error_set(err, SR_EUSAGE,
                                "Davies-Bouldin: label %d of point %zu out of range", labels[i],
                                i + 1);
    }
    size_t *cnt = calloc(k, sizeof *cnt);
    double *cen = calloc(k * d, sizeof *cen), *intra = calloc(k, sizeof *intra);
    size_t *ids = malloc(k * sizeof *ids);
    sr_status st = SR_OK;
    if (!cnt || !cen || !intra || !ids) {
        st = sr_error_set(err, SR_ENOMEM, "Davies-Bouldin: out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        size_t c = (size_t)labels[i];
        cnt[c]++;
        for (size_t t = 0; t < d; t++)
            cen[c * d + t] += x[i * d + t];
    }
    size_t L = 0;
    for (size_t c = 0; c < k; c++) {
        if (cnt[c] == 0)
            continue;
        ids[L++] = c;
        for (size_t t = 0; t < d; t++)
            cen[c * d + t] /= (double)cnt[c];
    }
    if (L < 2 || L > n - 1) {
        st = sr_error_set(err, SR_EDATA,
                          "Davies-Bouldin: needs 2 to %zu clusters among %zu points, got %zu",
                          n > 0 ? n - 1 : 0, n, L);
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        size_t c = (size_t)labels[i];
        intra[c] += sqrt(km_sqdist(x + i * d, cen + c * d, d));
    }
    int intra_zero = 1, dist_zero = 1;
    for (size_t a = 0; a < L; a++) {
        size_t c = ids[a];
        intra[c] /= (double)cnt[c];
        if (fabs(intra[c]) > 1e-8)
            intra_zero = 0;
        for (size_t b = 0; b < L; b++) {
            if (sqrt(km_sqdist(cen + c * d, cen + ids[b] * d, d)) > 1e-8)
                dist_zero = 0;
        }
    }
    if (intra_zero || dist_zero) {
        *out = 0.0;
        goto done;
    }
    double total = 0.0;
    for (size_t a = 0; a < L; a++) {
        double worst = -INFINITY;
        for (size_t b = 0; b < L; b++) {
            if (b == a)
                continue;
            double dist = sqrt(km_sqdist(cen + ids[a] * d, cen + ids[b] * d, d));
            /* Coincident centroids: distance treated as infinite, ratio 0. */
            double r = dist > 0.0 ? (intra[ids[a]] + intra[ids[b]]) / dist : 0.0;
            if (r > worst)
                worst = r;
        }
        total += worst;
    }
    *out = total / (double)L;
done:
    free(cnt);
    free(cen);
    free(intra);
    free(ids);
    return st;
}

/* ---------------------------------------------------------------------- */
/* Choice of k                                                             */
/* ---------------------------------------------------------------------- */

/* Stream index mixed into the seed of the silhouette samples ("silhouet"). */
#define KM_SIL_STREAM UINT64_C(0x73696c686f756574)

void kmeans_select_options_init(kmeans_select_options *opt)
{
    opt->k_min = 2;
    opt->k_max = 8;
    opt->forced_k = 0;
    opt->transform = KMEANS_TRANSFORM_LOG1P;
    opt->silhouette_max = KMEANS_SILHOUETTE_EXACT_MAX;
    kmeans_options_init(&opt->fit);
}

void kmeans_selection_free(kmeans_selection *sel)
{
    if (!sel)
        return;
    free(sel->mean);
    free(sel->sd);
    free(sel->scores);
    kmeans_model_free(sel->model);
    free(sel->centers_original);
    free(sel);
}

/*
 * Standardize once, then fit and score each k in turn, keeping only the
 * chosen model (the others are freed as soon as they lose). The silhouette
 * sample for k is drawn from sr_rng_derive(seed ^ KM_SIL_STREAM, k), so it does
 * not depend on the other k tried.
 */
sr_status kmeans_select(const double *x, size_t n, size_t d, const kmeans_select_options *opt,
                        kmeans_selection **out, sr_error *err)
{
    kmeans_select_options defaults;
    if (!out)
        return sr_error_set(err, SR_EUSAGE, "k-means: no output pointer");
    *out = NULL;
    if (!opt) {
        kmeans_select_options_init(&defaults);
        opt = &defaults;
    }
    if (!x || n == 0 || d == 0 || opt->k_min < 2 || opt->k_max < opt->k_min)
        return sr_error_set(err, SR_EUSAGE, "k-means: invalid range of k (%zu..%zu)", opt->k_min,
                            opt->k_max);
    if (opt->forced_k != 0 && (opt->forced_k < opt->k_min || opt->forced_k > opt->k_max))
        return sr_error_set(err, SR_EUSAGE, "k-means: forced k=%zu is outside the range %zu..%zu",
                            opt->forced_k, opt->k_min, opt->k_max);
    if (n < opt->k_max)
        return sr_error_set(err, SR_EDATA, "k-means: %zu points cannot form %zu clusters", n,
                            opt->k_max);

    sr_status st;
    kmeans_model *model = NULL;
    double *z = malloc(n * d * sizeof *z);
    kmeans_selection *sel = calloc(1, sizeof *sel);
    if (!z || !sel)
        goto oom;
    sel->n = n;
    sel->d = d;
    sel->transform = opt->transform;
    sel->n_scores = opt->k_max - opt->k_min + 1;
    sel->mean = malloc(d * sizeof *sel->mean);
    sel->sd = malloc(d * sizeof *sel->sd);
    sel->scores = calloc(sel->n_scores, sizeof *sel->scores);
    if (!sel->mean || !sel->sd || !sel->scores)
        goto oom;
    st = kmeans_standardize(x, n, d, opt->transform, z, sel->mean, sel->sd, err);
    if (st != SR_OK)
        goto fail;

    double best_sil = -INFINITY;
    for (size_t k = opt->k_min; k <= opt->k_max; k++) {
        kmeans_k_score *sc = &sel->scores[k - opt->k_min];
        st = kmeans_fit(z, n, d, k, &opt->fit, &model, err);
        if (st != SR_OK)
            goto fail;
        sr_rng rng;
        sr_rng_seed(&rng, sr_rng_derive(opt->fit.seed ^ KM_SIL_STREAM, (uint64_t)k));
        size_t sample = n > opt->silhouette_max ? opt->silhouette_max : 0;
        sc->k = k;
        sc->inertia = model->inertia;
        sc->n_iter = model->n_iter;
        st = kmeans_silhouette(z, n, d, model->labels, k, sample, &rng, opt->fit.threads,
                               &sc->silhouette, err);
        if (st == SR_OK)
            st = kmeans_davies_bouldin(z, n, d, model->labels, k, &sc->davies_bouldin, err);
        if (st != SR_OK) {
            if (st == SR_EDATA)
                st = sr_error_set(err, SR_EDATA,
                                  "k-means: k=%zu cannot be scored: the data has too few "
                                  "distinct points for a silhouette",
                                  k);
            goto fail;
        }
        int keep = opt->forced_k ? k == opt->forced_k : sc->silhouette > best_sil;
        if (keep) {
            best_sil = sc->silhouette;
            kmeans_model_free(sel->model);
            sel->model = model;
            sel->k = k;
        } else {
            kmeans_model_free(model);
        }
        model = NULL;
    }
    sel->forced = opt->forced_k != 0;
    sel->centers_original = malloc(sel->k * d * sizeof *sel->centers_original);
    if (!sel->centers_original)
        goto oom;
    kmeans_unstandardize(sel->model->centers, sel->k, d, opt->transform, sel->mean, sel->sd,
                         sel->centers_original);
    free(z);
    *out = sel;
    return SR_OK;

oom:
    st = sr_error_set(err, SR_ENOMEM, "k-means: out of memory (%zu points)", n);
fail:
    kmeans_model_free(model);
    kmeans_selection_free(sel);
    free(z);
    return st;
}
