-- Access events name the site and product they are about as they were at the change, so a
-- product reading the feed (or an admin reading a timeline) still knows what a revocation
-- meant after the product or its site is gone.
ALTER TABLE events ADD COLUMN site_label TEXT;
ALTER TABLE events ADD COLUMN product_key TEXT;
ALTER TABLE events ADD COLUMN product_label TEXT;
