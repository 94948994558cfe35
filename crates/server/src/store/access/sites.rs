//! Sites and the products they host, from the catalogue of product types (built-in ones
//! seeded by the migration, plus the organization's own). Every write runs in one
//! transaction with its audit entry; everything is scoped to one organization.
use roster_api_types::site::{ProductType, Site, SiteProduct};
use serde_json::{json, Value};
use sqlx::{any::AnyRow, Row};

use crate::store::{
    access::changes::{take_grants, GrantScope},
    audit::{record, Actor, Change},
    db::timestamps::rfc3339,
    db::tx::{InTx, Tx},
    error::is_unique_violation,
    error::{Missing, ModelError, Taken},
    events::{self, NewEvent},
    new_id, now_millis, Store,
};

const PRODUCT_COLUMNS: &str = "sp.id, sp.site_id, sp.created_at, pt.key, pt.name, \
     CAST(CASE WHEN pt.org_id IS NULL THEN 1 ELSE 0 END AS BIGINT) AS built_in";

pub(in crate::store) fn product_from_row(row: &AnyRow) -> Result<SiteProduct, sqlx::Error> {
    Ok(SiteProduct {
        id: row.try_get("id")?,
        site_id: row.try_get("site_id")?,
        key: row.try_get("key")?,
        name: row.try_get("name")?,
        built_in: row.try_get::<i64, _>("built_in")? != 0,
        created_at: rfc3339(row.try_get("created_at")?),
    })
}

fn site_from_row(row: &AnyRow) -> Result<Site, sqlx::Error> {
    Ok(Site {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        url: row.try_get("url")?,
        products: Vec::new(),
        created_at: rfc3339(row.try_get("created_at")?),
        updated_at: rfc3339(row.try_get("updated_at")?),
    })
}

fn site_conflict(field: &'static str) -> ModelError {
    ModelError::Taken(Taken::Site(field))
}

/// Fails with 409 when another site of the organization has the name or URL.
async fn check_site_unique(
    tx: &mut Tx<'_>,
    org_id: &str,
    except_id: &str,
    name: &str,
    url: &str,
) -> Result<(), ModelError> {
    let row = sqlx::query(
        "SELECT name_lower, url_lower FROM sites WHERE org_id = $1 AND id <> $2 \
         AND (name_lower = $3 OR url_lower = $4) LIMIT 1",
    )
    .bind(org_id)
    .bind(except_id)
    .bind(name.to_lowercase())
    .bind(url.to_lowercase())
    .fetch_optional_in(tx)
    .await?;
    match row {
        Some(r) if r.try_get::<String, _>("name_lower")? == name.to_lowercase() => {
            Err(site_conflict("name"))
        }
        Some(_) => Err(site_conflict("URL")),
        None => Ok(()),
    }
}

/// A product key from a custom type's name: lower-case letters and digits joined by `-`.
pub fn product_key(name: &str) -> String {
    let mut key = String::new();
    for c in name.to_lowercase().chars() {
        if c.is_alphanumeric() {
            key.push(c);
        } else if !key.ends_with('-') && !key.is_empty() {
            key.push('-');
        }
    }
    key.trim_end_matches('-').to_owned()
}

/// What the product of a site is called, for audit entries.
pub(in crate::store) async fn product_label(
    tx: &mut Tx<'_>,
    org_id: &str,
    site_id: &str,
    product_id: &str,
) -> Result<Option<(String, String)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT s.name AS site_name, pt.name AS product_name FROM site_products sp \
         JOIN sites s ON s.id = sp.site_id JOIN product_types pt ON pt.id = sp.product_type_id \
         WHERE sp.id = $1 AND sp.site_id = $2 AND s.org_id = $3",
    )
    .bind(product_id)
    .bind(site_id)
    .bind(org_id)
    .fetch_optional_in(tx)
    .await?;
    row.map(|r| Ok((r.try_get("site_name")?, r.try_get("product_name")?)))
        .transpose()
}

impl Store {
    /// The organization's sites by name, each with its products.
    /// The product catalogue the organization can choose from: built-in types first.
    pub async fn product_types(&self, org_id: &str) -> Result<Vec<ProductType>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT key, name, CAST(CASE WHEN org_id IS NULL THEN 1 ELSE 0 END AS BIGINT) AS built_in \
             FROM product_types WHERE org_id IS NULL OR org_id = $1 \
             ORDER BY built_in DESC, name_lower",
        )
        .bind(org_id)
        .fetch_all(&self.read)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ProductType {
                    key: r.try_get("key")?,
                    name: r.try_get("name")?,
                    built_in: r.try_get::<i64, _>("built_in")? != 0,
                })
            })
            .collect()
    }

    pub async fn list_sites(&self, org_id: &str) -> Result<Vec<Site>, sqlx::Error> {
        let rows = sqlx::query("SELECT * FROM sites WHERE org_id = $1 ORDER BY name_lower, id")
            .bind(org_id)
            .fetch_all(&self.read)
            .await?;
        let mut sites = rows
            .iter()
            .map(site_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        let products = sqlx::query(&format!(
            "SELECT {PRODUCT_COLUMNS} FROM site_products sp \
             JOIN sites s ON s.id = sp.site_id JOIN product_types pt ON pt.id = sp.product_type_id \
             WHERE s.org_id = $1 ORDER BY pt.name_lower, sp.id"
        ))
        .bind(org_id)
        .fetch_all(&self.read)
        .await?;
        for row in &products {
            let product = product_from_row(row)?;
            if let Some(site) = sites.iter_mut().find(|s| s.id == product.site_id) {
                site.products.push(product);
            }
        }
        Ok(sites)
    }

    /// One site with its products.
    pub async fn site(&self, org_id: &str, id: &str) -> Result<Option<Site>, sqlx::Error> {
        let row = sqlx::query("SELECT * FROM sites WHERE org_id = $1 AND id = $2")
            .bind(org_id)
            .bind(id)
            .fetch_optional(&self.read)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let mut site = site_from_row(&row)?;
        site.products = self.site_products(id).await?;
        Ok(Some(site))
    }

    /// A site's products by name.
    pub async fn site_products(&self, site_id: &str) -> Result<Vec<SiteProduct>, sqlx::Error> {
        let rows = sqlx::query(&format!(
            "SELECT {PRODUCT_COLUMNS} FROM site_products sp \
             JOIN product_types pt ON pt.id = sp.product_type_id \
             WHERE sp.site_id = $1 ORDER BY pt.name_lower, sp.id"
        ))
        .bind(site_id)
        .fetch_all(&self.read)
        .await?;
        rows.iter().map(product_from_row).collect()
    }

    /// One product of one of the organization's sites.
    pub async fn site_product(
        &self,
        org_id: &str,
        site_id: &str,
        product_id: &str,
    ) -> Result<Option<SiteProduct>, sqlx::Error> {
        let row = sqlx::query(&format!(
            "SELECT {PRODUCT_COLUMNS} FROM site_products sp \
             JOIN sites s ON s.id = sp.site_id JOIN product_types pt ON pt.id = sp.product_type_id \
             WHERE sp.id = $1 AND sp.site_id = $2 AND s.org_id = $3"
        ))
        .bind(product_id)
        .bind(site_id)
        .bind(org_id)
        .fetch_optional(&self.read)
        .await?;
        row.as_ref().map(product_from_row).transpose()
    }

    /// Creates a site (name and URL already validated); returns its id.
    pub async fn create_site(
        &self,
        org_id: &str,
        actor: &Actor,
        name: &str,
        url: &str,
    ) -> Result<String, ModelError> {
        let id = new_id();
        let now = now_millis();
        let mut tx = self.begin().await?;
        check_site_unique(&mut tx, org_id, &id, name, url).await?;
        sqlx::query(
            "INSERT INTO sites (id, org_id, name, name_lower, url, url_lower, created_at, \
             updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
        )
        .bind(&id)
        .bind(org_id)
        .bind(name)
        .bind(name.to_lowercase())
        .bind(url)
        .bind(url.to_lowercase())
        .bind(now)
        .execute_in(&mut tx)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                site_conflict("name or URL")
            } else {
                e.into()
            }
        })?;
        let change =
            Change::new("site.created", "site", &id, name).after(json!({"name": name, "url": url}));
        record(&mut tx, org_id, actor, change).await?;
        let state = json!({"site": {"id": id, "name": name, "url": url}});
        events::record(&mut tx, actor, NewEvent::new("site.created", org_id, state)).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Renames a site or changes its URL.
    pub async fn update_site(
        &self,
        org_id: &str,
        actor: &Actor,
        id: &str,
        name: Option<&str>,
        url: Option<&str>,
    ) -> Result<(), ModelError> {
        let mut tx = self.begin().await?;
        let row = sqlx::query("SELECT name, url FROM sites WHERE org_id = $1 AND id = $2")
            .bind(org_id)
            .bind(id)
            .fetch_optional_in(&mut tx)
            .await?
            .ok_or(ModelError::NotFound(Missing::Site))?;
        let (old_name, old_url): (String, String) = (row.try_get("name")?, row.try_get("url")?);
        let new_name = name.unwrap_or(&old_name);
        let new_url = url.unwrap_or(&old_url);
        check_site_unique(&mut tx, org_id, id, new_name, new_url).await?;
        sqlx::query(
            "UPDATE sites SET name = $1, name_lower = $2, url = $3, url_lower = $4, \
             updated_at = $5 WHERE id = $6",
        )
        .bind(new_name)
        .bind(new_name.to_lowercase())
        .bind(new_url)
        .bind(new_url.to_lowercase())
        .bind(now_millis())
        .bind(id)
        .execute_in(&mut tx)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                site_conflict("name or URL")
            } else {
                e.into()
            }
        })?;
        let change = Change::new("site.updated", "site", id, new_name)
            .before(json!({"name": old_name, "url": old_url}))
            .after(json!({"name": new_name, "url": new_url}));
        record(&mut tx, org_id, actor, change).await?;
        let state = json!({"site": {"id": id, "name": new_name, "url": new_url}});
        events::record(&mut tx, actor, NewEvent::new("site.updated", org_id, state)).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Deletes a site with its products and their grants; the audit entry lists the access
    /// that disappeared.
    pub async fn delete_site(
        &self,
        org_id: &str,
        actor: &Actor,
        id: &str,
    ) -> Result<(), ModelError> {
        let mut tx = self.begin().await?;
        let row = sqlx::query("SELECT name, url FROM sites WHERE org_id = $1 AND id = $2")
            .bind(org_id)
            .bind(id)
            .fetch_optional_in(&mut tx)
            .await?
            .ok_or(ModelError::NotFound(Missing::Site))?;
        let (name, url): (String, String) = (row.try_get("name")?, row.try_get("url")?);
        let products: Vec<String> = sqlx::query(
            "SELECT pt.name FROM site_products sp JOIN product_types pt \
             ON pt.id = sp.product_type_id WHERE sp.site_id = $1 ORDER BY pt.name_lower",
        )
        .bind(id)
        .scalars_in(&mut tx)
        .await?;
        let removed = take_grants(&mut tx, GrantScope::Site(id), actor).await?;
        let state = json!({"site": {"id": id, "name": name, "url": url}});
        events::record(&mut tx, actor, NewEvent::new("site.deleted", org_id, state)).await?;
        sqlx::query("DELETE FROM sites WHERE id = $1")
            .bind(id)
            .execute_in(&mut tx)
            .await?;
        let change = Change::new("site.deleted", "site", id, &name).before(json!({
            "name": name, "url": url, "products": products, "removedAccess": removed,
        }));
        record(&mut tx, org_id, actor, change).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Adds a product to a site: a catalogue type by `key`, or a custom type by `name`
    /// (created for the organization unless it exists). Returns the product's id.
    pub async fn add_site_product(
        &self,
        org_id: &str,
        actor: &Actor,
        site_id: &str,
        key: Option<&str>,
        name: Option<&str>,
    ) -> Result<String, ModelError> {
        let mut tx = self.begin().await?;
        let site_name: String = sqlx::query("SELECT name FROM sites WHERE org_id = $1 AND id = $2")
            .bind(org_id)
            .bind(site_id)
            .scalar_optional_in(&mut tx)
            .await?
            .ok_or(ModelError::NotFound(Missing::Site))?;
        let visible = "(org_id IS NULL OR org_id = $1)";
        let found = match (key, name) {
            (Some(key), _) => {
                sqlx::query(&format!(
                    "SELECT id, name FROM product_types WHERE {visible} AND key = $2"
                ))
                .bind(org_id)
                .bind(key)
                .fetch_optional_in(&mut tx)
                .await?
            }
            (None, Some(name)) => {
                sqlx::query(&format!(
                    "SELECT id, name FROM product_types WHERE {visible} AND name_lower = $2"
                ))
                .bind(org_id)
                .bind(name.to_lowercase())
                .fetch_optional_in(&mut tx)
                .await?
            }
            (None, None) => None,
        };
        let mut created_type = None;
        let (type_id, type_name): (String, String) = match (found, key, name) {
            (Some(row), _, _) => (row.try_get("id")?, row.try_get("name")?),
            (None, Some(key), _) => return Err(ModelError::UnknownProductKey(key.to_owned())),
            (None, None, Some(name)) => {
                let key = product_key(name);
                let taken: Option<String> = sqlx::query(&format!(
                    "SELECT id FROM product_types WHERE {visible} AND key = $2"
                ))
                .bind(org_id)
                .bind(&key)
                .scalar_optional_in(&mut tx)
                .await?;
                if key.is_empty() || taken.is_some() {
                    return Err(ModelError::ProductNameUnusable(name.to_owned()));
                }
                let id = new_id();
                sqlx::query(
                    "INSERT INTO product_types (id, org_id, key, name, name_lower, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(&id)
                .bind(org_id)
                .bind(&key)
                .bind(name)
                .bind(name.to_lowercase())
                .bind(now_millis())
                .execute_in(&mut tx)
                .await?;
                created_type = Some(key);
                (id, name.to_owned())
            }
            (None, None, None) => return Err(ModelError::ProductUnnamed),
        };
        let id = new_id();
        sqlx::query(
            "INSERT INTO site_products (id, site_id, product_type_id, created_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(&id)
        .bind(site_id)
        .bind(&type_id)
        .bind(now_millis())
        .execute_in(&mut tx)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                ModelError::Taken(Taken::Product(site_name.clone(), type_name.clone()))
            } else {
                e.into()
            }
        })?;
        let label = format!("{type_name} on {site_name}");
        let change = Change::new("product.added", "product", &id, &label).after(json!({
            "siteId": site_id, "site": site_name, "product": type_name,
            "createdProductType": created_type,
        }));
        record(&mut tx, org_id, actor, change).await?;
        let state = json!({"product": {"id": id, "siteId": site_id, "name": type_name}});
        events::record(
            &mut tx,
            actor,
            NewEvent::new("product.added", org_id, state),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Removes a product from a site with its grants; the audit entry lists them.
    pub async fn remove_site_product(
        &self,
        org_id: &str,
        actor: &Actor,
        site_id: &str,
        product_id: &str,
    ) -> Result<(), ModelError> {
        let mut tx = self.begin().await?;
        let (site_name, product_name) = product_label(&mut tx, org_id, site_id, product_id)
            .await?
            .ok_or(ModelError::NotFound(Missing::Product))?;
        let removed: Vec<Value> =
            take_grants(&mut tx, GrantScope::Product(product_id), actor).await?;
        let state = json!({"product": {"id": product_id, "siteId": site_id, "name": product_name}});
        events::record(
            &mut tx,
            actor,
            NewEvent::new("product.removed", org_id, state),
        )
        .await?;
        sqlx::query("DELETE FROM site_products WHERE id = $1")
            .bind(product_id)
            .execute_in(&mut tx)
            .await?;
        let label = format!("{product_name} on {site_name}");
        let change = Change::new("product.removed", "product", product_id, &label).before(json!({
            "siteId": site_id, "site": site_name, "product": product_name,
            "removedAccess": removed,
        }));
        record(&mut tx, org_id, actor, change).await?;
        tx.commit().await?;
        Ok(())
    }
}
