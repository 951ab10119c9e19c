//! The record of one walk: the steps the packet passed so far, and how a failed check ends it.
//!
//! Every walk (to a public address, to a private one, to a node's kubelet) pushes a [`Step`]
//! for each check the packet passes. The first check that fails pushes a
//! [`Step::Blocked`] hop and returns the [`Blocked`] verdict as `Err`, so a walk stops at it
//! with `?` and the steps end with the hop that blocked the packet.

use std::net::IpAddr;

use super::{Denial, Step};
use crate::reason::{Blocked, Reason};
use crate::scenario::Attachment;

/// The steps walked so far; a failed check ends the walk with `Err(Blocked)`.
pub(super) struct Walk<'s> {
    pub(super) steps: Vec<Step<'s>>,
    /// The packet's source: the client's own address of the target's family (the NAT or
    /// internet gateway translation of an IPv4 source is a step of its own).
    pub(super) source: IpAddr,
}

pub(super) type Check = Result<(), Blocked>;

impl<'s> Walk<'s> {
    pub(super) fn pass(&mut self, step: Step<'s>) {
        self.steps.push(step);
    }

    /// A failed check at `at`, with its hop `detail`, recorded as `denial` where given.
    pub(super) fn fail<T>(
        &mut self,
        at: impl Into<String>,
        detail: impl Into<String>,
        denial: Option<Denial<'s>>,
        reason: Reason,
        blocked_by: impl Into<String>,
    ) -> Result<T, Blocked> {
        self.steps.push(Step::Blocked {
            at: at.into(),
            detail: detail.into(),
            denial,
        });
        Err(Blocked {
            reason,
            blocked_by: blocked_by.into(),
        })
    }

    /// A failed check whose hop detail is the blocking sentence itself.
    pub(super) fn block<T>(
        &mut self,
        at: impl Into<String>,
        reason: Reason,
        blocked_by: impl Into<String>,
    ) -> Result<T, Blocked> {
        let blocked_by = blocked_by.into();
        self.fail(at, blocked_by.clone(), None, reason, blocked_by)
    }

    /// [`Walk::block`], recording the failed check as `denial`.
    pub(super) fn deny<T>(
        &mut self,
        denial: Denial<'s>,
        at: impl Into<String>,
        reason: Reason,
        blocked_by: impl Into<String>,
    ) -> Result<T, Blocked> {
        let blocked_by = blocked_by.into();
        self.fail(at, blocked_by.clone(), Some(denial), reason, blocked_by)
    }
}

/// A placeholder error for paths the walk has already blocked (the walk's own `Err` is
/// returned through `?` first), or for indices that validation guarantees exist.
pub(super) fn unreachable_blocked() -> Blocked {
    Blocked {
        reason: Reason::NoRoute,
        blocked_by: "the scenario references an element that does not exist".to_owned(),
    }
}

/// The VPCs and networks a path has passed through, starting with the client's own.
///
/// Every crossing of a connection enters the place it lands in here, and a place entered
/// twice is a routing loop: a walk therefore passes each place at most once and ends after
/// at most as many crossings as the scenario has places, whatever its routes say.
pub(super) struct Passed {
    places: Vec<Attachment>,
}

impl Passed {
    pub(super) fn starting_in(place: Attachment) -> Self {
        Passed {
            places: vec![place],
        }
    }

    /// Enters `place`; `false` when the path already passed through it (a routing loop).
    #[must_use]
    pub(super) fn enter(&mut self, place: Attachment) -> bool {
        if self.places.contains(&place) {
            false
        } else {
            self.places.push(place);
            true
        }
    }
}
