/**
 * Every field of T present, the optional ones possibly undefined: the type of a copy written out field by
 * field in one order (one hidden class for every circuit's state), which then fails to compile when T
 * gains a field the copy does not carry.
 */
export type EveryField<T> = {
  // over Required<T>'s keys: a `-?` on T's own would also strip the optional fields' undefined
  [K in keyof Required<T>]: Record<string, never> extends Pick<T, K> ? T[K] | undefined : T[K]
}
