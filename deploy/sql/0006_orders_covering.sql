-- Brand queries read every order of a date range. With the amount (and, for the cross-brand view,
-- the brand) inside the index, both run as index-only scans instead of visiting one heap page per
-- order: the brand summary on (tenant_id, brand_id, created_at), the cross-brand metrics on
-- (tenant_id, created_at). Both keys still lead with tenant_id, like every index here. The new
-- brand index replaces 0002's orders_tenant_brand_created (same key, amount added), which also
-- serves the composite foreign key to brands.
create index if not exists orders_tenant_brand_created_amount on orders (tenant_id, brand_id, created_at) include (amount_usd);
drop index if exists orders_tenant_brand_created;
create index if not exists orders_tenant_created_brand_amount on orders (tenant_id, created_at) include (brand_id, amount_usd);
