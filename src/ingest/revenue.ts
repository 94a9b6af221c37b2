/** Which events are purchases and refunds. Defaults follow the Segment e-commerce spec. */
export interface PurchaseConventions {
  readonly purchaseEvent: string;
  readonly refundEvent: string;
}

export const defaultConventions: PurchaseConventions = {
  purchaseEvent: 'Order Completed',
  refundEvent: 'Order Refunded',
};

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : undefined;
  }
  return undefined;
}

function productsTotal(products: unknown): number | undefined {
  if (!Array.isArray(products) || products.length === 0) return undefined;
  let total = 0;
  let priced = false;
  for (const product of products) {
    if (typeof product !== 'object' || product === null) continue;
    const record = product as Record<string, unknown>;
    const price = toNumber(record['price']);
    if (price === undefined) continue;
    total += price * (toNumber(record['quantity']) ?? 1);
    priced = true;
  }
  return priced ? total : undefined;
}

/**
 * The money an order event carries: `revenue`, else `total`, else Σ `products[].price × quantity` (quantity 1 when
 * absent). Refunds are stored negative so that a plain sum gives net revenue. Other events carry none.
 */
export function extractRevenue(
  event: string,
  properties: Readonly<Record<string, unknown>>,
  conventions: PurchaseConventions = defaultConventions,
): number | null {
  const isPurchase = event === conventions.purchaseEvent;
  const isRefund = event === conventions.refundEvent;
  if (!isPurchase && !isRefund) return null;
  const amount =
    toNumber(properties['revenue']) ?? toNumber(properties['total']) ?? productsTotal(properties['products']);
  if (amount === undefined) return null;
  return isRefund ? -Math.abs(amount) : amount;
}
