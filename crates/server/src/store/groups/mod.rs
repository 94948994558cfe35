//! Groups, read three ways: as SCIM resources with their members ([`scim`]), as a
//! directory's synced groups an admin browses ([`directory`]), and as the organization's
//! groups, synced and local, with their product access ([`org`]).
pub mod directory;
pub mod org;
pub mod scim;
