//! The core User schema (RFC 7643 §4.1 and the representation in §8.7.1), every attribute
//! including the multi-valued complex ones and the read-only `groups`.

use super::{AttrType, Attribute, Mutability, Returned, Schema, Uniqueness, USER_SCHEMA};

/// The sub-attributes shared by the plain multi-valued attributes (`value`, `display`, `type`,
/// `primary`), with the `value` type and the `type` canonical values varying.
macro_rules! multi_subs {
    ($value:expr, $types:expr) => {
        &[
            $value,
            Attribute::string("display", "A human-readable name, for display only."),
            Attribute::string("type", "A label indicating the attribute's function.")
                .canonical($types),
            Attribute::boolean(
                "primary",
                "Whether this is the preferred value; at most one is primary.",
            ),
        ]
    };
}

const NAME_SUBS: &[Attribute] = &[
    Attribute::string("formatted", "The full name, formatted for display."),
    Attribute::string("familyName", "The family name."),
    Attribute::string("givenName", "The given name."),
    Attribute::string("middleName", "The middle name(s)."),
    Attribute::string("honorificPrefix", "The honorific prefix, e.g. 'Ms.'."),
    Attribute::string("honorificSuffix", "The honorific suffix, e.g. 'III'."),
];

const EMAIL_SUBS: &[Attribute] = multi_subs!(
    Attribute::string("value", "The email address."),
    &["work", "home", "other"]
);
const PHONE_SUBS: &[Attribute] = multi_subs!(
    Attribute::string("value", "The phone number."),
    &["work", "home", "mobile", "fax", "pager", "other"]
);
const IM_SUBS: &[Attribute] = multi_subs!(
    Attribute::string("value", "The instant messaging address."),
    &["aim", "gtalk", "icq", "xmpp", "msn", "skype", "qq", "yahoo"]
);
const PHOTO_SUBS: &[Attribute] = multi_subs!(
    Attribute::reference("value", "The URL of the photo.", &["external"]),
    &["photo", "thumbnail"]
);
const ENTITLEMENT_SUBS: &[Attribute] =
    multi_subs!(Attribute::string("value", "The entitlement."), &[]);
const ROLE_SUBS: &[Attribute] = multi_subs!(Attribute::string("value", "The role."), &[]);
const CERT_SUBS: &[Attribute] = multi_subs!(
    Attribute::new("value", AttrType::Binary, "The DER certificate, base64."),
    &[]
);

const ADDRESS_SUBS: &[Attribute] = &[
    Attribute::string("formatted", "The full mailing address."),
    Attribute::string("streetAddress", "The street address."),
    Attribute::string("locality", "The city or locality."),
    Attribute::string("region", "The state or region."),
    Attribute::string("postalCode", "The zip or postal code."),
    Attribute::string("country", "The country, ISO 3166-1 alpha-2."),
    Attribute::string("type", "A label indicating the address's function.")
        .canonical(&["work", "home", "other"]),
    Attribute::boolean("primary", "Whether this is the preferred address."),
];

const GROUP_SUBS: &[Attribute] = &[
    Attribute::string("value", "The id of the group.").read_only(),
    Attribute::reference("$ref", "The URI of the group.", &["User", "Group"]).read_only(),
    Attribute::string("display", "The group's display name.").read_only(),
    Attribute::string("type", "How membership is derived.")
        .canonical(&["direct", "indirect"])
        .read_only(),
];

pub(super) const USER: Schema = Schema {
    id: USER_SCHEMA,
    name: "User",
    description: "User Account",
    attributes: &[
        Attribute::string(
            "userName",
            "Unique identifier for the user, used to sign in.",
        )
        .required()
        .unique(Uniqueness::Server),
        Attribute::complex("name", "The components of the user's name.", NAME_SUBS),
        Attribute::string("displayName", "The name of the user, for display."),
        Attribute::string("nickName", "The casual way to address the user."),
        Attribute::reference(
            "profileUrl",
            "A URI of the user's online profile.",
            &["external"],
        ),
        Attribute::string("title", "The user's title, e.g. 'Vice President'."),
        Attribute::string(
            "userType",
            "The relationship to the organization, e.g. 'Employee'.",
        ),
        Attribute::string("preferredLanguage", "Preferred written or spoken language."),
        Attribute::string("locale", "Default location for localisation, e.g. 'en-US'."),
        Attribute::string("timezone", "The time zone, e.g. 'America/Los_Angeles'."),
        Attribute::boolean("active", "The user's administrative status."),
        Attribute::string("password", "The cleartext password; write-only.")
            .mutability(Mutability::WriteOnly)
            .returned(Returned::Never),
        Attribute::complex("emails", "Email addresses.", EMAIL_SUBS).multi(),
        Attribute::complex("phoneNumbers", "Phone numbers.", PHONE_SUBS).multi(),
        Attribute::complex("ims", "Instant messaging addresses.", IM_SUBS).multi(),
        Attribute::complex("photos", "URLs of photos of the user.", PHOTO_SUBS).multi(),
        Attribute::complex("addresses", "Physical mailing addresses.", ADDRESS_SUBS).multi(),
        Attribute::complex("groups", "Groups the user belongs to.", GROUP_SUBS)
            .multi()
            .read_only(),
        Attribute::complex(
            "entitlements",
            "Entitlements of the user.",
            ENTITLEMENT_SUBS,
        )
        .multi(),
        Attribute::complex("roles", "Roles of the user.", ROLE_SUBS).multi(),
        Attribute::complex("x509Certificates", "Certificates of the user.", CERT_SUBS).multi(),
    ],
};
