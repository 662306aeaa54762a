/** A GraphQL enum's values object (`{ A: 'A', … }`) from a list of names, for registerEnumType. */
export const enumValues = <T extends string>(values: readonly T[]) => Object.fromEntries(values.map((v) => [v, v])) as { [K in T]: K };
