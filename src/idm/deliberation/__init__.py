"""Statements, tags, search, key messages and recommendations with the evidence behind them."""
