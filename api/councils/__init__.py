"""The council registry: search, one council with its neighbours, and sharing choices."""
