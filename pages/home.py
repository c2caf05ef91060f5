import streamlit as st

st.title("posbooks")
st.write("POS daily sales into QuickBooks Online. The workbench pages arrive with the app issue.")
