"""Recommendations: training plans, joint working with neighbours, learning sets, career pathways."""
