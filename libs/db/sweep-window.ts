/**
 * Where a walk by timestamp stands: past `at`, and past `id` among the items stamped exactly `at`. Without an id,
 * items stamped `at` are still ahead (a window starts inclusive).
 */
export interface SweepPosition {
  at: Date;
  id?: string;
}

/**
 * The filter for items after `position` and before `to` on `field`, in (field, _id) order. The id breaks ties,
 * so a page boundary inside one timestamp neither repeats nor skips items, however many share it.
 */
export function sweepWindowFilter(field: string, position: SweepPosition, to: Date): Record<string, unknown> {
  if (position.id === undefined) return { [field]: { $gte: position.at, $lt: to } };
  return {
    [field]: { $gte: position.at, $lt: to },
    $or: [{ [field]: { $gt: position.at } }, { _id: { $gt: position.id } }],
  };
}
