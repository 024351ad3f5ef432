/*
 * Glacier's payload checksums (the Glacier customizations of the Smithy AWS
 * specifications): UploadArchive and UploadMultipartPart must carry
 * X-Amz-Content-Sha256 (the body's SHA-256) and X-Amz-Sha256-Tree-Hash (the
 * SHA-256 tree hash: the SHA-256 of each 1 MiB piece, then of each pair of
 * hashes, level by level, an odd last hash going up as it is, until one is
 * left), both in hex. The client fills them in before signing, unless the
 * caller set the tree hash member. Reached through the operation's
 * awsc_http_checksum.engine, as flexible checksums are.
 */
/* OpenSSL's one-structure SHA-256 functions, as flexible.c uses them (the library carries no crypto/ copy). */
#define OPENSSL_API_COMPAT 10101
#include "awsc/checksums.h"
#include "core/checksum.h"

#include "util/error.h"

#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>

static void to_hex(const uint8_t *bytes, size_t len, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * len] = '\0';
}

#define TREE_PIECE (1024 * 1024)

typedef struct tree {
    SHA256_CTX whole, piece;
    size_t piece_len;   /* bytes in the current piece */
    uint8_t (*leaves)[32];
    size_t count, cap;
    bool nomem;
} tree;

static void tree_close_piece(tree *t)
{
    if (t->count == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 8;
        uint8_t(*l)[32] = realloc(t->leaves, cap * sizeof *l);
        if (!l) {
            t->nomem = true;
            return;
        }
        t->leaves = l;
        t->cap = cap;
    }
    SHA256_Final(t->leaves[t->count++], &t->piece);
    SHA256_Init(&t->piece);
    t->piece_len = 0;
}

static void tree_absorb(void *ctx, const uint8_t *data, size_t len)
{
    tree *t = ctx;
    SHA256_Update(&t->whole, data, len);
    while (len && !t->nomem) {
        size_t n = TREE_PIECE - t->piece_len < len ? TREE_PIECE - t->piece_len : len;
        SHA256_Update(&t->piece, data, n);
        t->piece_len += n;
        data += n;
        len -= n;
        if (t->piece_len == TREE_PIECE)
            tree_close_piece(t);
    }
}

/* The whole body's hash and the root of the tree, in hex; -1 when out of memory. */
static int tree_finish(tree *t, char whole_hex[65], char tree_hex[65])
{
    if (t->piece_len || t->count == 0) /* the last, short piece; an empty body is one empty piece */
        tree_close_piece(t);
    if (t->nomem)
        return -1;
    size_t n = t->count;
    while (n > 1) {
        size_t up = 0;
        for (size_t i = 0; i < n; i += 2) {
            if (i + 1 < n) {
                SHA256_CTX s;
                SHA256_Init(&s);
                SHA256_Update(&s, t->leaves[i], 32);
                SHA256_Update(&s, t->leaves[i + 1], 32);
                SHA256_Final(t->leaves[up++], &s);
            } else {
                memmove(t->leaves[up++], t->leaves[i], 32);
            }
        }
        n = up;
    }
    uint8_t whole[32];
    SHA256_Final(whole, &t->whole);
    to_hex(whole, sizeof whole, whole_hex);
    to_hex(t->leaves[0], 32, tree_hex);
    return 0;
}

static int configure(awsc_client *c, const awsc_config *cfg, const awsc_lent_profile *profile, awsc_error *err)
{
    (void)c, (void)cfg, (void)profile, (void)err;
    return AWSC_OK; /* nothing to configure: the service requires both headers */
}

static int prepare(awsc_call *k, const void *input, awsc_error *err)
{
    (void)input;
    if (k->payload_hash[0])
        return AWSC_OK;
    tree t;
    memset(&t, 0, sizeof t);
    SHA256_Init(&t.whole);
    SHA256_Init(&t.piece);
    int rc = AWSC_OK;
    if (k->req.stream) {
        if (!k->req.stream->rewind)
            rc = awsc_error_set(err, AWSC_E_VALIDATION,
                                "%s: the body is read twice for its tree hash: it needs a rewind callback",
                                k->op->name);
        else if (awsc_call_read_stream(k, tree_absorb, &t) != 0)
            rc = awsc_error_set(err, AWSC_E_VALIDATION, "%s: reading or rewinding the request body failed",
                                k->op->name);
    } else {
        tree_absorb(&t, (const uint8_t *)(k->req.body.data ? k->req.body.data : ""), k->req.body.len);
    }
    char tree_hex[65];
    if (rc == AWSC_OK && tree_finish(&t, k->payload_hash, tree_hex) != 0)
        rc = awsc_error_nomem(err);
    free(t.leaves);
    if (rc) {
        k->payload_hash[0] = '\0';
        return rc;
    }
    if (awsc_rest_add_header(&k->req, "X-Amz-Content-Sha256", k->payload_hash) ||
        (!awsc_rest_has_header(&k->req, "X-Amz-Sha256-Tree-Hash") &&
         awsc_rest_add_header(&k->req, "X-Amz-Sha256-Tree-Hash", tree_hex)))
        return awsc_error_nomem(err);
    return AWSC_OK;
}

static int validate(awsc_call *k, const awsc_http_response *resp, awsc_error *err)
{
    (void)k, (void)resp, (void)err;
    return AWSC_OK; /* never reached: prepare sets no per-call state */
}

static void end(awsc_call *k)
{
    (void)k;
}

const awsc_checksum_engine awsc_glacier_tree_hash = {
    .configure = configure,
    .prepare = prepare,
    .validate = validate,
    .end = end,
};
