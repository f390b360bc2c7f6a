/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bb-login-throttle.h: slows down password guessing.
 *
 * Failed logins are counted per e-mail and client address. After a few
 * failures that pair is locked for a while, doubling with each further
 * failure up to a cap; a locked pair is answered 429 with Retry-After without
 * even checking the password, so guessing costs time, not just requests. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _BbLoginThrottle BbLoginThrottle;

BbLoginThrottle *bb_login_throttle_new       (guint            free_attempts,
                                              guint            first_delay_seconds,
                                              guint            max_delay_seconds);
void             bb_login_throttle_free      (BbLoginThrottle *self);
/* 0 when an attempt may go ahead now, else the seconds still to wait. */
guint            bb_login_throttle_check     (BbLoginThrottle *self,
                                              const char      *email,
                                              const char      *address);
void             bb_login_throttle_failed    (BbLoginThrottle *self,
                                              const char      *email,
                                              const char      *address);
void             bb_login_throttle_succeeded (BbLoginThrottle *self,
                                              const char      *email,
                                              const char      *address);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BbLoginThrottle, bb_login_throttle_free)

G_END_DECLS
